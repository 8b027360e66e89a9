package directory

// Directory holds the districts, places and outside towns, with the resolver's index.
// Placeholder: replaced by the directory issue's implementation.
type Directory struct{}
