// libFuzzer: a POST /v1/actions body, as the server reads it. Parsing never crashes, every
// accepted submission stays inside its bounds, and its payload's canonical JSON (the form whose
// SHA-256 is payload_sha256) reads back as the same payload and is a fixed point.
#include "core/ActionSubmission.h"
#include "core/CanonicalJson.h"
#include "core/DecisionRequest.h"
#include "core/FieldReader.h"
#include "core/JsonBounds.h"
#include "core/SessionRequest.h"

#include <QJsonDocument>
#include <cstdio>
#include <cstdlib>

using namespace interlock;

namespace {
void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_submission: property violated: %s\n", what);
        std::abort();
    }
}

void checkCanonical(const QJsonValue &value)
{
    const QByteArray canonical = canonicalJson(value);
    const QJsonDocument back = QJsonDocument::fromJson(canonical);
    if (value.isObject()) {
        require(back.isObject() && back.object() == value.toObject(),
                "canonical JSON reads back as the same object");
        require(canonicalJson(back.object()) == canonical, "canonical JSON is a fixed point");
    }
    require(sha256Hex(canonical).size() == 64, "a SHA-256 in hex");
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonObject object;
    if (parseJsonObject(body, &object).isError())
        return 0;
    const Limits limits;
    ActionSubmission submission;
    if (!ActionSubmission::parse(object, limits, &submission).isError()) {
        require(!submission.kind.isEmpty() && !submission.title.trimmed().isEmpty(),
                "kind and title present");
        require(checkJsonBounds(submission.payload, limits.json).isEmpty(),
                "an accepted payload is within the bounds");
        require(measureJson(submission.payload).depth <= limits.json.maxDepth,
                "an accepted payload is at most maxDepth deep");
        require(submission.agentScore >= 0 && submission.agentScore <= 100, "score in 0..100");
        require(!(submission.diff && !submission.changes.isEmpty()), "changes or diff, not both");
        checkCanonical(submission.payload);
    }
    // The other request bodies share the reader.
    DecisionRequest decision;
    if (!DecisionRequest::parse(object, &decision, limits.json).isError()) {
        require(decision.kind != DecisionRequest::Kind::Reject || !decision.comment.isEmpty(),
                "a rejection has a comment");
        checkCanonical(decision.payload);
    }
    SessionRequest session;
    SessionRequest::parse(object, &session);
    checkCanonical(object);
    return 0;
}
