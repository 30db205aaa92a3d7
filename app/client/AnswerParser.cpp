#include "AnswerParser.h"

#include <algorithm>

namespace interlock {

namespace {
bool isDigits(const QByteArray &s)
{
    return !s.isEmpty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool hasToken(const QByteArray &value, const char *token)
{
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().toLower() == token)
            return true;
    return false;
}
} // namespace

AnswerParser::AnswerParser(Limits limits)
    : m_limits(limits)
{}

void AnswerParser::fail(const QString &why)
{
    m_state = State::Failed;
    m_error = why;
    m_keepAlive = false;
}

bool AnswerParser::addBody(const char *data, qsizetype size)
{
    if (m_body.size() + size > m_limits.maxBodyBytes) {
        fail(
            QStringLiteral("the answer's body is longer than %1 bytes").arg(m_limits.maxBodyBytes));
        return false;
    }
    m_body.append(data, size);
    return true;
}

qsizetype AnswerParser::feed(const char *data, qsizetype size)
{
    qsizetype used = 0;
    while (used < size && (m_state == State::Head || m_state == State::Body)) {
        m_started = true;
        if (m_state == State::Head) {
            // Only as much as the head can hold is buffered; its end may straddle two feeds.
            const qsizetype before = m_buffer.size();
            const qsizetype room = m_limits.maxHeadBytes + 4 - before;
            const qsizetype take = std::min(size - used, std::max<qsizetype>(room, 0));
            m_buffer.append(data + used, take);
            const qsizetype end = m_buffer.indexOf("\r\n\r\n", std::max<qsizetype>(before - 3, 0));
            if (end < 0) {
                if (m_buffer.size() > m_limits.maxHeadBytes) {
                    fail(QStringLiteral("the answer's head is longer than %1 bytes")
                             .arg(m_limits.maxHeadBytes));
                    return used + take;
                }
                used += take;
                continue;
            }
            if (end > m_limits.maxHeadBytes) {
                fail(QStringLiteral("the answer's head is longer than %1 bytes")
                         .arg(m_limits.maxHeadBytes));
                return used + take;
            }
            used += end + 4 - before;
            const QByteArray head = m_buffer.left(end + 2); // every line with its CRLF
            m_buffer.clear();
            if (!parseHead(head))
                return used;
            continue;
        }
        switch (m_framing) {
        case Framing::Length: {
            const qsizetype take = qsizetype(std::min<qint64>(m_left, size - used));
            if (!addBody(data + used, take))
                return used;
            used += take;
            m_left -= take;
            if (m_left == 0)
                m_state = State::Complete;
            break;
        }
        case Framing::ToEnd:
            if (!addBody(data + used, size - used))
                return used;
            used = size;
            break;
        case Framing::Chunked:
            used += feedChunked(data + used, size - used);
            break;
        }
    }
    return used;
}

qsizetype AnswerParser::feedChunked(const char *data, qsizetype size)
{
    qsizetype used = 0;
    while (used < size && m_state == State::Body) {
        if (m_chunkPhase == ChunkPhase::Data) {
            const qsizetype take = qsizetype(std::min<qint64>(m_left, size - used));
            if (!addBody(data + used, take))
                return used;
            used += take;
            m_left -= take;
            if (m_left == 0)
                m_chunkPhase = ChunkPhase::DataEnd;
            continue;
        }
        // A line: the chunk's size, the CRLF after its data, or a trailer line.
        const char *nl = static_cast<const char *>(memchr(data + used, '\n', size_t(size - used)));
        const qsizetype take = nl ? qsizetype(nl - (data + used)) + 1 : size - used;
        m_buffer.append(data + used, take);
        used += take;
        if (m_buffer.size() > 1024) {
            fail(QStringLiteral("a chunk line of the answer is too long"));
            return used;
        }
        if (!nl)
            continue;
        QByteArray line = std::exchange(m_buffer, {});
        if (!line.endsWith("\r\n")) {
            fail(QStringLiteral("the answer's chunked body is garbled"));
            return used;
        }
        line.chop(2);
        if (m_chunkPhase == ChunkPhase::DataEnd) {
            if (!line.isEmpty()) {
                fail(QStringLiteral("the answer's chunked body is garbled"));
                return used;
            }
            m_chunkPhase = ChunkPhase::Size;
        } else if (m_chunkPhase == ChunkPhase::Size) {
            const QByteArray hex = line.split(';').value(0).trimmed();
            bool ok = false;
            const qint64 n = hex.size() <= 15 ? hex.toLongLong(&ok, 16) : -1;
            if (!ok || n < 0 || hex.startsWith('+') || hex.startsWith('-')) {
                fail(QStringLiteral("the answer's chunked body is garbled"));
                return used;
            }
            if (m_body.size() + n > m_limits.maxBodyBytes) {
                fail(QStringLiteral("the answer's body is longer than %1 bytes")
                         .arg(m_limits.maxBodyBytes));
                return used;
            }
            m_left = n;
            m_chunkPhase = n == 0 ? ChunkPhase::Trailer : ChunkPhase::Data;
        } else if (line.isEmpty()) { // the end of the trailer
            m_state = State::Complete;
        }
    }
    return used;
}

bool AnswerParser::parseHead(const QByteArray &head)
{
    QList<QByteArray> lines = head.split('\n');
    lines.removeLast(); // what follows the last line's LF: nothing
    QByteArray statusLine = lines.value(0);
    if (statusLine.endsWith('\r'))
        statusLine.chop(1);
    // "HTTP/1.1 200 OK": the version, one space, three digits, then a space or the end.
    const bool versionOk = statusLine.startsWith("HTTP/1.1 ") || statusLine.startsWith("HTTP/1.0 ");
    const QByteArray code = statusLine.mid(9, 3);
    if (!versionOk || !isDigits(code) || code.size() != 3 ||
        (statusLine.size() > 12 && statusLine.at(12) != ' ')) {
        fail(QStringLiteral("the answer does not start with an HTTP/1.x status line"));
        return false;
    }
    const bool http10 = statusLine.startsWith("HTTP/1.0 ");
    m_status = code.toInt();
    m_headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (!line.endsWith('\r')) {
            fail(QStringLiteral("a header line of the answer does not end with CRLF"));
            return false;
        }
        line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.left(colon).contains(' ') || line.left(colon).contains('\t')) {
            fail(QStringLiteral("a header line of the answer is garbled"));
            return false;
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length" && m_headers.contains(name) &&
            m_headers.value(name) != value) {
            fail(QStringLiteral("the answer has two different Content-Length headers"));
            return false;
        }
        if (m_headers.contains(name) && name != "content-length")
            m_headers[name] += ", " + value;
        else
            m_headers.insert(name, value);
    }
    if (m_status >= 100 && m_status < 200) { // an interim answer: the real one follows
        m_headers.clear();
        return true;
    }
    const QByteArray connection = m_headers.value("connection");
    m_keepAlive = http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
    m_state = State::Body;
    const QByteArray coding = m_headers.value("transfer-encoding");
    if (m_noBody || m_status == 204 || m_status == 304) {
        m_state = State::Complete;
    } else if (!coding.isEmpty()) {
        if (coding.trimmed().toLower() != "chunked") {
            fail(QStringLiteral("the answer uses a transfer coding other than chunked"));
            return false;
        }
        m_framing = Framing::Chunked;
        m_chunkPhase = ChunkPhase::Size;
    } else if (m_headers.contains("content-length")) {
        const QByteArray length = m_headers.value("content-length");
        if (!isDigits(length) || length.size() > 15) {
            fail(QStringLiteral("the answer's Content-Length is not a number"));
            return false;
        }
        m_left = length.toLongLong();
        if (m_left > m_limits.maxBodyBytes) {
            fail(QStringLiteral("the answer's body is longer than %1 bytes")
                     .arg(m_limits.maxBodyBytes));
            return false;
        }
        m_framing = Framing::Length;
        if (m_left == 0)
            m_state = State::Complete;
    } else {
        m_framing = Framing::ToEnd;
        m_keepAlive = false;
    }
    return true;
}

void AnswerParser::endOfInput()
{
    if (m_state == State::Body && m_framing == Framing::ToEnd) {
        m_state = State::Complete;
        return;
    }
    if (m_state == State::Head || m_state == State::Body)
        fail(m_started ? QStringLiteral("the server closed the connection in the middle of its "
                                        "answer")
                       : QStringLiteral("the server closed the connection without answering"));
}

} // namespace interlock
