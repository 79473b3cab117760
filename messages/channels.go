package messages

import (
	"slices"
	"sync"
)

// The channels content can be written for, by name, with their limits.
// Telegram is built in; another channel's package registers its limits
// when it is made (RegisterChannel), so adding a channel changes nothing
// here. A campaign whose audience names channels is validated against
// theirs; one that names none, against every channel registered.
var (
	channelsMu sync.RWMutex
	channels   = map[string]Limits{TelegramLimits.Channel: TelegramLimits}
)

// RegisterChannel makes a channel known to validation. Registering the
// same name again replaces its limits.
func RegisterChannel(l Limits) {
	channelsMu.Lock()
	defer channelsMu.Unlock()
	channels[l.Channel] = l
}

// ChannelNames lists the registered channels, sorted.
func ChannelNames() []string {
	channelsMu.RLock()
	defer channelsMu.RUnlock()
	names := make([]string, 0, len(channels))
	for n := range channels {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// LimitsFor returns the limits of the named channels, or of every
// registered channel when names is empty; unknown names are left out.
func LimitsFor(names []string) []Limits {
	if len(names) == 0 {
		names = ChannelNames()
	}
	channelsMu.RLock()
	defer channelsMu.RUnlock()
	out := make([]Limits, 0, len(names))
	for _, n := range names {
		if l, ok := channels[n]; ok && !slices.ContainsFunc(out, func(o Limits) bool { return o.Channel == n }) {
			out = append(out, l)
		}
	}
	return out
}
