#pragma once

#include <QJsonObject>
#include <optional>

namespace interlock {

struct EventRecord;
class Store;

// The webhook body for a committed event, or nothing when the event is not one people are
// alerted to: a new high or critical action, a breaker trip, a receipt violation, a kill, a
// stop-all (docs/safety.md "Webhooks"). The body carries the structured fields and a `text`
// that Slack and Microsoft Teams incoming webhooks show as it is. Agent-written text in `text`
// is shortened to one line and cannot form a link or a mention.
std::optional<QJsonObject> webhookMessage(const EventRecord &event, Store &store);

// Agent text made safe for a chat message: one line, at most `max` characters, Slack's
// control characters (& < >) escaped, square brackets replaced so no Markdown link can form.
QString chatSafe(const QString &text, int max = 120);

} // namespace interlock
