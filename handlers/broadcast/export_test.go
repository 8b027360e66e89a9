package broadcast

// SetBeforeQueue lets tests make a replica die between claiming a scheduled
// broadcast and queueing it.
func SetBeforeQueue(s *Service, f func(id string) error) { s.beforeQueue = f }
