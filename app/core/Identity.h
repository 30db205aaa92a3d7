#pragma once

#include <QString>

namespace interlock {

// People are named by their token names, and an agent names the person who owns it. Names are
// compared as identities, not as strings: "Reviewer-1", "reviewer-1 ", "reviewer\u200b-1" and
// "ｒｅｖｉｅｗｅｒ-1" are the same person.

// The form a name is stored and shown in: NFKC, invisible and format characters (zero-width
// spaces and joiners, bidi controls, soft hyphens, variation selectors, tags…) and control
// characters removed, white space trimmed and runs of it collapsed to one space.
QString displayName(const QString &name);

// What two names are compared by: the display name case-folded (and NFKC again). Two names are
// the same identity when their keys are equal; an empty key is nobody.
QString identityKey(const QString &name);

} // namespace interlock
