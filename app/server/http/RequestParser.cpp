#include "RequestParser.h"

#include <QUrl>
#include <cstring>

namespace interlock::http {

namespace {
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Field values: visible characters, spaces, tabs and obs-text; no other control character.
bool isFieldValue(const QByteArray &text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

bool hasToken(const QByteArray &list, const char *token)
{
    for (const QByteArray &part : list.split(',')) {
        if (part.trimmed().toLower() == token)
            return true;
    }
    return false;
}

// Headers whose repetition makes a request ambiguous: refused rather than merged.
bool mustBeUnique(const QByteArray &name)
{
    return name == "content-length" || name == "transfer-encoding" || name == "host" ||
           name == "authorization" || name == "content-type";
}
} // namespace

RequestParser::RequestParser(const Config &config)
    : m_config(config)
{}

bool RequestParser::fail(int status, const char *code, const char *message)
{
    m_state = State::Failed;
    m_error = ParseError{status, code, message};
    m_line.clear();
    return false;
}

qsizetype RequestParser::feed(const char *data, qsizetype size)
{
    qsizetype used = 0;
    while (used < size && (m_state == State::Idle || m_state == State::Head)) {
        m_state = State::Head;
        const char *start = data + used;
        const auto *newline =
            static_cast<const char *>(std::memchr(start, '\n', size_t(size - used)));
        const qsizetype take = newline ? newline - start + 1 : size - used;
        // The limit holds before the line is complete: a line never grows past it in memory.
        const bool requestLinePart = m_request.method.isEmpty();
        if (m_line.size() + take > m_config.maxLineBytes + 2) {
            used += take;
            if (requestLinePart)
                fail(414, "uri_too_long", "The request line is longer than the limit.");
            else
                fail(431, "headers_too_large", "A header line is longer than the limit.");
            return used;
        }
        if (!requestLinePart &&
            m_headerBytes + m_line.size() + take > m_config.maxHeaderBytes + 2) {
            used += take;
            fail(431, "headers_too_large", "The request headers are larger than the limit.");
            return used;
        }
        m_line.append(start, take);
        used += take;
        if (!newline)
            break;
        QByteArray text = std::exchange(m_line, {});
        text.chop(1); // '\n'
        if (text.endsWith('\r'))
            text.chop(1);
        if (text.contains('\r'))
            return fail(400, "bad_request", "A bare carriage return in the request head."), used;
        if (!line(text))
            return used;
    }
    if (m_state == State::Body) {
        const qint64 missing = m_contentLength - m_request.body.size();
        const qsizetype take = qsizetype(qMin<qint64>(missing, size - used));
        m_request.body.append(data + used, take);
        used += take;
        if (m_request.body.size() == m_contentLength)
            m_state = State::Complete;
    }
    return used;
}

bool RequestParser::line(const QByteArray &text)
{
    if (m_request.method.isEmpty()) {
        if (text.isEmpty()) {
            // Robustness (RFC 9112 2.2): empty lines before a request line are ignored, a few.
            if (++m_emptyLines > 4)
                return fail(400, "bad_request", "Empty lines instead of a request line.");
            m_state = State::Idle;
            return true;
        }
        return requestLine(text);
    }
    if (text.isEmpty())
        return headEnd();
    m_headerBytes += int(text.size()) + 2;
    return headerLine(text);
}

bool RequestParser::requestLine(const QByteArray &text)
{
    const QList<QByteArray> parts = text.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]))
        return fail(400, "bad_request", "The request line must be: METHOD TARGET HTTP/1.1.");
    const QByteArray &version = parts[2];
    if (version == "HTTP/1.1") {
        m_http10 = false;
    } else if (version == "HTTP/1.0") {
        m_http10 = true;
    } else if (version.startsWith("HTTP/") && version.size() == 8 && version[6] == '.') {
        return fail(505, "http_version_not_supported", "Only HTTP/1.1 and HTTP/1.0 are served.");
    } else {
        return fail(400, "bad_request", "The request line must be: METHOD TARGET HTTP/1.1.");
    }
    m_keepAlive = !m_http10;
    QByteArray target = parts[1];
    if (target.startsWith("http://") || target.startsWith("https://")) {
        // absolute-form: only its path and query matter here.
        const qsizetype slash = target.indexOf('/', target.indexOf("//") + 2);
        target = slash < 0 ? QByteArray("/") : target.mid(slash);
    }
    if (!target.startsWith('/') || !isFieldValue(target) || target.contains(' '))
        return fail(400, "bad_request", "The request target must be a path.");
    const QUrl url = QUrl::fromEncoded("http://localhost" + target, QUrl::StrictMode);
    if (!url.isValid())
        return fail(400, "bad_request", "The request target is not a valid path.");
    m_request.method = parts[0];
    m_request.path = url.path();
    m_request.query = QUrlQuery(url);
    return true;
}

bool RequestParser::headerLine(const QByteArray &text)
{
    if (++m_headerCount > m_config.maxHeaderCount)
        return fail(431, "headers_too_large", "The request has more headers than the limit.");
    if (text.startsWith(' ') || text.startsWith('\t'))
        return fail(400, "bad_request", "Folded header lines are not accepted.");
    const qsizetype colon = text.indexOf(':');
    const QByteArray name = colon > 0 ? text.left(colon).toLower() : QByteArray();
    if (!isToken(name))
        return fail(400, "bad_request", "A header line must be NAME: VALUE.");
    const QByteArray value = text.mid(colon + 1).trimmed();
    if (!isFieldValue(value))
        return fail(400, "bad_request", "A header value holds a control character.");
    auto it = m_request.headers.find(name);
    if (it != m_request.headers.end()) {
        if (mustBeUnique(name))
            return fail(400, "bad_request", "A header that must appear once appears twice.");
        it.value() += ", " + value;
    } else {
        m_request.headers.insert(name, value);
    }
    return true;
}

bool RequestParser::headEnd()
{
    const auto &h = m_request.headers;
    const QByteArray connection = h.value("connection");
    if (hasToken(connection, "close"))
        m_keepAlive = false;
    else if (m_http10 && hasToken(connection, "keep-alive"))
        m_keepAlive = true;
    if (h.contains("transfer-encoding")) {
        // With a Content-Length as well, two parsers could split the stream differently.
        if (h.contains("content-length"))
            return fail(400, "bad_request",
                        "Content-Length and Transfer-Encoding together are refused.");
        if (hasToken(h.value("transfer-encoding"), "chunked"))
            return fail(411, "length_required",
                        "Chunked request bodies are not accepted: send Content-Length.");
        return fail(501, "not_implemented", "This Transfer-Encoding is not supported.");
    }
    m_contentLength = 0;
    if (h.contains("content-length")) {
        const QByteArray text = h.value("content-length");
        if (text.isEmpty() || text.size() > 18)
            return fail(400, "bad_request", "Content-Length must be a number of bytes.");
        for (char c : text) {
            if (c < '0' || c > '9')
                return fail(400, "bad_request", "Content-Length must be a number of bytes.");
        }
        m_contentLength = text.toLongLong();
        // Refused before a byte of the body is read.
        if (m_contentLength > m_config.maxBodyBytes)
            return fail(413, "payload_too_large", "The request body is larger than the limit.");
    }
    m_expectContinue = h.value("expect").toLower() == "100-continue";
    m_state = m_contentLength > 0 ? State::Body : State::Complete;
    return true;
}

HttpRequest RequestParser::take()
{
    HttpRequest out = std::exchange(m_request, {});
    m_state = State::Idle;
    m_error = {};
    m_line.clear();
    m_headerBytes = 0;
    m_headerCount = 0;
    m_emptyLines = 0;
    m_expectContinue = false;
    m_contentLength = 0;
    return out;
}

} // namespace interlock::http
