#pragma once

#include <QString>

namespace interlock {

// Two agents must not read as one: reviewers trust an action by the name on it, and a name
// drawn like another agent's ("dерlоy-bоt" in Cyrillic letters, "dep1oy-bot") would borrow that
// trust. A session's name is kept with its ICU skeleton (UTS #39: the string every look-alike
// spelling of it maps to); the first name to take a skeleton holds it, and a session whose name
// has another name's skeleton is refused (SessionService::open). Both stores keep the pairs in
// agent_names (migration 8). A name also belongs to the enrolling token (by its name) that first
// opened a session under it (migration 9): another agent token cannot borrow it either. An admin
// frees a name with POST /v1/agent-names/release.
//
// The key of an agent name: accents, case and the punctuation between words folded away, then
// ICU's skeleton (uspoof_getSkeleton). Empty for an empty name.
QString agentNameSkeleton(const QString &name);

// What sets a look-alike name apart from the one it imitates, for the refusal: the first few
// characters of `name` that `other` does not have, with their code points and Unicode names
// ("1 U+0031 DIGIT ONE"), or "drawn alike" when it has no character of its own.
QString lookAlikeDifference(const QString &name, const QString &other);

struct AgentNameHolder;
// Whether a session of `agent` opened by the token named `opener` may use the name its key's
// holder holds: the same name, and the holder's opener (if bound) the same identity
// (core/Identity.h: case, white space and invisible characters aside).
bool agentNameFreeFor(const AgentNameHolder &holder, const QString &agent, const QString &opener);

} // namespace interlock
