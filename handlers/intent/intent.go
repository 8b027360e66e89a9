package intent

// Intent is what a message is about.
type Intent string

// The intents, in the order they are decided.
const (
	Crisis    Intent = "crisis"    // danger: help numbers first
	Need      Intent = "need"      // a family matter the providers help with
	SmallTalk Intent = "smalltalk" // greetings, thanks, goodbyes, yes, no
	Place     Intent = "place"     // a place name or postal code (decided with the resolver, see Result.With)
	Other     Intent = "other"     // a question about the service, or nothing recognised
)

// Offering ids of the directory a need can be about (directory.Offering.ID).
const (
	TopicFamilyCounselling = "family-counselling"
	TopicChildcare         = "childcare"
	TopicProjects          = "projects"
	TopicChildProtection   = "child-protection"
	TopicLowThreshold      = "low-threshold-counselling"
	TopicInformationEvents = "information-events"
	topicGeneral           = "general" // a need without a topic: not reported
)

// Kind says which kind of crisis, small talk or question a message is, to
// pick the fitting answer.
type Kind string

// Crisis kinds: they choose the help lines.
const (
	KindViolence Kind = "violence" // violence at home against an adult
	KindChild    Kind = "child"    // a child harmed, abused or neglected
	KindSexual   Kind = "sexual"   // sexual violence or abuse
	KindSuicide  Kind = "suicide"  // suicidal thoughts
	KindThreat   Kind = "threat"   // an acute threat to life or body
)

// Small-talk kinds.
const (
	KindHello  Kind = "hello"
	KindThanks Kind = "thanks"
	KindBye    Kind = "bye"
	KindYes    Kind = "yes"
	KindNo     Kind = "no"
)

// Question kinds (intent Other).
const (
	KindCost     Kind = "cost"     // does it cost anything
	KindHours    Kind = "hours"    // opening hours, when to reach someone
	KindLanguage Kind = "language" // "Sprechen Sie Englisch?"
	KindVisit    Kind = "visit"    // an appointment, coming by
)

// Result is what Classify found in a text.
type Result struct {
	Intent Intent
	// Kinds lists the crisis kinds, the small-talk kind or the question kind found.
	Kinds []Kind
	// Topics lists the offering ids a need (or crisis) is about, most specific first.
	Topics []string
	// Lang is the language the text is written in, when recognised: de, en,
	// uk, ru, ar or tr; "" when unsure.
	Lang string
}

// Has reports whether r has kind k.
func (r Result) Has(k Kind) bool {
	for _, x := range r.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// With combines the classification with the place resolver's outcome:
// placeFound is true when the text named a place (match, ambiguous or
// outside). A crisis and a need stay what they are (the place is used for the
// answer); small talk and questions with a place become a place question
// ("Hallo, wir wohnen in Bispingen"); anything else with a place is a place,
// without one it is other.
func (r Result) With(placeFound bool) Intent {
	switch {
	case r.Intent == Crisis || r.Intent == Need:
		return r.Intent
	case placeFound:
		return Place
	case r.Intent == SmallTalk:
		return SmallTalk
	}
	return Other
}
