#include "Router.h"

namespace interlock {

namespace {
bool matches(const QStringList &want, const QList<QStringView> &got, QStringList *params)
{
    if (want.size() != got.size())
        return false;
    QStringList captured;
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want[i].startsWith(QLatin1Char('{'))) {
            if (got[i].isEmpty())
                return false;
            captured.append(got[i].toString());
        } else if (want[i] != got[i]) {
            return false;
        }
    }
    *params = std::move(captured);
    return true;
}
} // namespace

void Router::add(const QByteArray &method, const QString &pattern, Access access, Handler handler)
{
    m_routes.append(Route{method, pattern, std::move(access), std::move(handler),
                          pattern.split(QLatin1Char('/'))});
}

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    Match m;
    const QList<QStringView> got = QStringView(path).split(QLatin1Char('/'));
    for (const Route &route : m_routes) {
        QStringList params;
        if (!matches(route.segments, got, &params))
            continue;
        m.pathKnown = true;
        if (route.method == method) {
            m.route = &route;
            m.params = params;
            return m;
        }
    }
    return m;
}

} // namespace interlock
