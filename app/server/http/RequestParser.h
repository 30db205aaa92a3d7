#pragma once

#include "server/HttpExchange.h"

#include <QByteArray>

namespace interlock::http {

// What the transport refuses a request with, before any route sees it.
struct ParseError {
    int status = 0; // 0: no error
    QByteArray code;
    QByteArray message;
};

// An incremental HTTP/1.1 request parser with every limit checked while the bytes arrive: the
// request line and each header line are refused as soon as they grow past the line limit
// (no newline needed), the headers as soon as they pass the size or count limit, and the body
// by its Content-Length before a byte of it is read. It never holds more than one line, the
// headers and a body within the limit. Request smuggling shapes (Content-Length with
// Transfer-Encoding, two Content-Lengths, folded or malformed headers) are errors; chunked
// request bodies are refused (411).
class RequestParser
{
public:
    struct Config {
        int maxLineBytes = 8 * 1024;
        int maxHeaderBytes = 32 * 1024;
        int maxHeaderCount = 100;
        qint64 maxBodyBytes = 1024 * 1024;
    };
    enum class State { Idle, Head, Body, Complete, Failed };

    explicit RequestParser(const Config &config);

    // Consumes bytes until one request is complete or an error is found; returns how many bytes
    // of `data` were used (the rest belongs to the next, pipelined request).
    qsizetype feed(const char *data, qsizetype size);

    State state() const { return m_state; }
    bool started() const { return m_state != State::Idle; }
    const ParseError &error() const { return m_error; }
    // Once the head is complete: what the connection needs before the body arrives.
    bool expectsContinue() const { return m_expectContinue; }
    qint64 contentLength() const { return m_contentLength; }
    bool keepAlive() const { return m_keepAlive; }
    // The complete request; resets the parser for the next one.
    HttpRequest take();

private:
    bool line(const QByteArray &text); // one complete line of the head
    bool requestLine(const QByteArray &text);
    bool headerLine(const QByteArray &text);
    bool headEnd();
    bool fail(int status, const char *code, const char *message);

    Config m_config;
    State m_state = State::Idle;
    ParseError m_error;
    QByteArray m_line;
    HttpRequest m_request;
    QByteArray m_rawTarget;
    int m_headerBytes = 0;
    int m_headerCount = 0;
    int m_emptyLines = 0;
    bool m_http10 = false;
    bool m_keepAlive = true;
    bool m_expectContinue = false;
    qint64 m_contentLength = 0;
};

} // namespace interlock::http
