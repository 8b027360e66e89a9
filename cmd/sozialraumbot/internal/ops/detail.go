package ops

// Detail is information shown by /readyz under "details" that never decides
// readiness, e.g. the version of the loaded data and the outcome of the last
// reload. Value is called on every /readyz and must be cheap and safe for
// concurrent use; its result is encoded as JSON (nil leaves the detail out).
type Detail struct {
	Name  string
	Value func() any
}
