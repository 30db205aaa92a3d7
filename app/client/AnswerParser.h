#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace interlock {

// What a client reads of one answer at most.
struct AnswerLimits {
    qsizetype maxHeadBytes = 64 * 1024;
    qsizetype maxBodyBytes = 64 * 1024 * 1024;
};

// Reads one HTTP/1.x response from the bytes of a connection, strictly and within limits: a
// status line that is not "HTTP/1.x DDD", a header line without a colon, a bad or repeated
// Content-Length, a transfer coding other than chunked, a head or body past its limit: Failed,
// with the reason. 1xx interim answers are skipped. A body without a length runs to the end of
// the connection (endOfInput()).
class AnswerParser
{
public:
    using Limits = AnswerLimits;
    enum class State { Head, Body, Complete, Failed };

    explicit AnswerParser(Limits limits = {});
    // For the answer to a HEAD request (no body whatever its head says).
    void expectNoBody(bool noBody) { m_noBody = noBody; }
    // Returns how many bytes it used; the rest belong to whatever follows (nothing should).
    qsizetype feed(const char *data, qsizetype size);
    // The connection ended: completes a body that runs to the end, else fails.
    void endOfInput();

    State state() const { return m_state; }
    bool started() const { return m_started; } // any byte of the answer seen
    QString error() const { return m_error; }
    int status() const { return m_status; }
    const QHash<QByteArray, QByteArray> &headers() const { return m_headers; } // lower-case names
    const QByteArray &body() const { return m_body; }
    // The server may take another request on this connection after this answer.
    bool keepAlive() const { return m_keepAlive; }

private:
    enum class Framing { Length, Chunked, ToEnd };
    enum class ChunkPhase { Size, Data, DataEnd, Trailer };
    bool parseHead(const QByteArray &head);
    qsizetype feedChunked(const char *data, qsizetype size);
    void fail(const QString &why);
    bool addBody(const char *data, qsizetype size);

    Limits m_limits;
    State m_state = State::Head;
    QString m_error;
    QByteArray m_buffer; // the head, or a chunk's size or trailer line, while incomplete
    int m_status = 0;
    QHash<QByteArray, QByteArray> m_headers;
    QByteArray m_body;
    Framing m_framing = Framing::Length;
    ChunkPhase m_chunkPhase = ChunkPhase::Size;
    qint64 m_left = 0; // of the body (Length) or of the current chunk (Chunked)
    bool m_keepAlive = true;
    bool m_noBody = false;
    bool m_started = false;
};

} // namespace interlock
