// Package loadtest measures Sozialraumbot under load: simulated parents talk to a
// bot through a lean in-process fake Bot API (API), in a closed loop (each parent
// waits for the reply before the next step), with realistic dialogues made from
// the directory (Script: typos, sentences in several languages, postal codes,
// shared locations, inline queries, and presses on the buttons the bot actually
// sent). Run reports throughput, reply latency percentiles (Histogram), Bot API
// calls, Redis commands and round trips (RedisCounter, a go-redis hook),
// allocations, peak memory and goroutines (sampled every 100 ms; a series for
// soak runs).
//
// Echo is the baseline: a bare go-telegram/bot echo bot on the same kind of fake,
// the framework's ceiling. The serve code path itself is wired in
// cmd/sozialraumbot (sozialraumbot loadtest), which also runs the fault drills.
package loadtest
