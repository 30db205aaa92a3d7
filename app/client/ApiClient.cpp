#include "ApiClient.h"

#include "KeepAlivePool.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <algorithm>

namespace interlock {

namespace {
QMutex g_defaultMutex;
ConnectionSecurity g_default;
} // namespace

void ApiClient::setDefaultSecurity(const ConnectionSecurity &security)
{
    QMutexLocker lock(&g_defaultMutex);
    g_default = security;
}

ConnectionSecurity ApiClient::defaultSecurity()
{
    QMutexLocker lock(&g_defaultMutex);
    return g_default;
}

std::optional<ApiResult> ApiClient::refused() const
{
    const QString why = m_security.refusal(m_base);
    if (why.isEmpty())
        return std::nullopt;
    ApiResult r;
    r.networkError = why;
    r.refused = true;
    return r;
}

QString ApiResult::describe() const
{
    if (refused)
        return networkError;
    if (status == 0)
        return QStringLiteral("cannot reach the server: %1").arg(networkError);
    if (!unreadable.isEmpty())
        return QStringLiteral("the server's answer could not be read (%1, HTTP %2)")
            .arg(unreadable)
            .arg(status);
    const ApiError e = error();
    if (e.code.isEmpty())
        return QStringLiteral("the server answered HTTP %1").arg(status);
    return QStringLiteral("%1 (%2, HTTP %3)").arg(e.message, e.code).arg(status);
}

ApiClient::ApiClient(const QUrl &baseUrl, const QString &token, QObject *parent)
    : QObject(parent)
    , m_base(baseUrl)
    , m_token(token)
    , m_security(defaultSecurity())
    , m_nam(new QNetworkAccessManager(this))
{}

ApiClient::~ApiClient()
{
    setKeepAlive(false);
}

void ApiClient::setKeepAlive(bool on)
{
    if (on && !m_pool) {
        m_pool = new KeepAlivePool(m_base.host(), quint16(m_base.port(80)), {}, 6, this);
    } else if (!on && m_pool) {
        // Its callbacks may be running right now (a caller that drops its client in one).
        m_pool->abandon();
        m_pool->setParent(nullptr);
        std::exchange(m_pool, nullptr)->deleteLater();
    }
}

bool ApiClient::viaPool() const
{
    return m_pool && m_base.scheme() == QLatin1String("http");
}

QUrl ApiClient::urlOf(const QString &pathAndQuery) const
{
    QUrl url = m_base;
    const qsizetype q = pathAndQuery.indexOf(QLatin1Char('?'));
    QString basePath = url.path();
    if (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + (q < 0 ? pathAndQuery : pathAndQuery.left(q)));
    if (q >= 0)
        url.setQuery(pathAndQuery.mid(q + 1));
    return url;
}

QNetworkReply *ApiClient::send(const QByteArray &method, const QString &pathAndQuery,
                               const std::optional<QJsonObject> &body, const Headers &headers,
                               int timeoutMs)
{
    QNetworkRequest request(urlOf(pathAndQuery));
    m_security.apply(request);
    request.setTransferTimeout(timeoutMs > 0 ? timeoutMs : 30000);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QByteArray data;
    if (body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        data = QJsonDocument(*body).toJson(QJsonDocument::Compact);
    }
    return m_nam->sendCustomRequest(request, method, data);
}

QNetworkReply *ApiClient::download(const QString &pathAndQuery, QIODevice *sink,
                                   std::function<void(qint64 bytes)> progress,
                                   std::function<void(const ApiResult &)> done)
{
    if (const auto r = refused()) {
        QTimer::singleShot(0, this, [done, r] { done(*r); });
        return nullptr;
    }
    QNetworkReply *reply = send("GET", pathAndQuery, std::nullopt, {}, 120000);
    auto written = std::make_shared<qint64>(0);
    connect(reply, &QNetworkReply::readyRead, this, [reply, sink, progress, written] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status != 200)
            return; // an error body is read whole at the end
        const QByteArray piece = reply->readAll();
        if (sink->write(piece) != piece.size()) {
            reply->abort();
            return;
        }
        *written += piece.size();
        if (progress)
            progress(*written);
    });
    connect(reply, &QNetworkReply::finished, this, [reply, sink, done, written] {
        reply->deleteLater();
        ApiResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (r.status == 200) {
            const QByteArray rest = reply->readAll();
            if (sink->write(rest) != rest.size() || reply->error() != QNetworkReply::NoError) {
                r.status = 0;
                r.networkError = reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                                          : sink->errorString();
            }
        } else {
            r = resultOf(reply);
        }
        done(r);
    });
    return reply;
}

ApiResult ApiClient::resultOf(QNetworkReply *reply)
{
    ApiResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (r.status == 0)
        r.networkError = reply->errorString();
    readBody(reply->readAll(), &r);
    for (const auto &pair : reply->rawHeaderPairs())
        r.headers.insert(pair.first.toLower(), pair.second);
    return r;
}

void ApiClient::readBody(const QByteArray &raw, ApiResult *r)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &parseError);
    r->body = doc.object();
    if (r->status != 0 && !raw.isEmpty()) {
        if (parseError.error != QJsonParseError::NoError)
            r->unreadable = QStringLiteral("%1 at byte %2 of %3")
                                .arg(parseError.errorString())
                                .arg(parseError.offset)
                                .arg(raw.size());
        else if (!doc.isObject())
            r->unreadable = QStringLiteral("not a JSON object");
    }
}

void ApiClient::request(const QByteArray &method, const QString &pathAndQuery,
                        const std::optional<QJsonObject> &body,
                        std::function<void(const ApiResult &)> done, const Headers &headers,
                        int timeoutMs)
{
    if (const auto r = refused()) {
        QTimer::singleShot(0, this, [done = std::move(done), r] { done(*r); });
        return;
    }
    if (viaPool())
        return requestViaPool(method, pathAndQuery, body, std::move(done), headers, timeoutMs);
    QNetworkReply *reply = send(method, pathAndQuery, body, headers, timeoutMs);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        done(resultOf(reply));
    });
}

ApiResult ApiClient::call(const QByteArray &method, const QString &pathAndQuery,
                          const std::optional<QJsonObject> &body, const Headers &headers,
                          int timeoutMs)
{
    if (const auto r = refused())
        return *r;
    if (viaPool()) {
        std::optional<ApiResult> result;
        QEventLoop loop;
        requestViaPool(
            method, pathAndQuery, body,
            [&result, &loop](const ApiResult &r) {
                result = r;
                loop.quit();
            },
            headers, timeoutMs);
        if (!result)
            loop.exec();
        return *result;
    }
    QNetworkReply *reply = send(method, pathAndQuery, body, headers, timeoutMs);
    if (!reply->isFinished()) {
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    ApiResult r = resultOf(reply);
    reply->deleteLater();
    return r;
}

ApiResult ApiClient::callRetrying(const QByteArray &method, const QString &pathAndQuery,
                                  const std::optional<QJsonObject> &body, const Headers &headers,
                                  int timeoutMs, int giveUpMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    int backoffMs = 100;
    for (;;) {
        const ApiResult r = call(method, pathAndQuery, body, headers, timeoutMs);
        if (!r.retryable() || elapsed.elapsed() + backoffMs > giveUpMs)
            return r;
        QEventLoop loop;
        QTimer::singleShot(backoffMs, &loop, &QEventLoop::quit);
        loop.exec();
        backoffMs = qMin(backoffMs * 2, 2000);
    }
}

} // namespace interlock

namespace interlock {

namespace {
bool isToken(const QByteArray &name)
{
    static const QByteArray extra("!#$%&'*+-.^_`|~");
    return !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               extra.contains(c);
    });
}

bool isFieldValue(const QByteArray &value)
{
    return std::none_of(value.begin(), value.end(),
                        [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}
} // namespace

void ApiClient::requestViaPool(const QByteArray &method, const QString &pathAndQuery,
                               const std::optional<QJsonObject> &body,
                               std::function<void(const ApiResult &)> done, const Headers &headers,
                               int timeoutMs)
{
    const QUrl url = urlOf(pathAndQuery);
    QByteArray target =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (target.isEmpty())
        target = "/";
    bool sane =
        isToken(method) && target.startsWith('/') &&
        std::all_of(target.begin(), target.end(), [](char c) { return c > ' ' && c < 0x7f; });
    QByteArray bytes = method + ' ' + target + " HTTP/1.1\r\nHost: " +
                       url.authority(QUrl::FullyEncoded | QUrl::RemoveUserInfo).toLatin1() + "\r\n";
    Headers all;
    if (!m_token.isEmpty())
        all.append(std::make_pair(QByteArray("Authorization"), "Bearer " + m_token.toUtf8()));
    all.append(headers);
    QByteArray data;
    if (body) {
        all.append(std::make_pair(QByteArray("Content-Type"), QByteArray("application/json")));
        data = QJsonDocument(*body).toJson(QJsonDocument::Compact);
    }
    for (const auto &h : std::as_const(all)) {
        sane = sane && isToken(h.first) && isFieldValue(h.second);
        bytes += h.first + ": " + h.second + "\r\n";
    }
    if (body || method != "GET")
        bytes += "Content-Length: " + QByteArray::number(data.size()) + "\r\n";
    bytes += "\r\n" + data;
    if (!sane) {
        ApiResult r;
        r.networkError = QStringLiteral("the request was not sent: its method, path or a header "
                                        "holds characters HTTP does not allow there");
        QTimer::singleShot(0, this, [done = std::move(done), r] { done(r); });
        return;
    }
    KeepAlivePool::Request request;
    request.bytes = std::move(bytes);
    // Safe to send twice: a read, or a submission the server recognises by its key.
    request.repeatable =
        method == "GET" || std::any_of(headers.begin(), headers.end(), [](const auto &h) {
            return h.first.compare("Idempotency-Key", Qt::CaseInsensitive) == 0;
        });
    request.headOnly = method == "HEAD";
    request.timeoutMs = timeoutMs > 0 ? timeoutMs : 30000;
    m_pool->send(std::move(request), [done = std::move(done)](const KeepAlivePool::Answer &a) {
        ApiResult r;
        r.status = a.status;
        r.networkError = a.error;
        r.headers = a.headers;
        readBody(a.body, &r);
        done(r);
    });
}

} // namespace interlock
