// docs/api/openapi.yaml and the server's routes describe the same API, both ways.
#include "support/TestServer.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

class TestOpenApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentAndServerAgree()
    {
        QFile file(QStringLiteral(SOURCE_DIR "/docs/api/openapi.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        QSet<QString> documented;
        QString path;
        static const QRegularExpression pathLine(QStringLiteral("^  (/\\S+):\\s*$"));
        static const QRegularExpression methodLine(
            QStringLiteral("^    (get|post|put|patch|delete):\\s*$"));
        bool inPaths = false;
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine()).chopped(1);
            if (!line.startsWith(QLatin1Char(' ')))
                inPaths = line == QLatin1String("paths:");
            if (!inPaths)
                continue;
            if (const auto m = pathLine.match(line); m.hasMatch())
                path = m.captured(1);
            else if (const auto mm = methodLine.match(line); mm.hasMatch())
                documented.insert(mm.captured(1).toUpper() + QLatin1Char(' ') + path);
        }
        QVERIFY(documented.size() > 5);

        TestServer s;
        QSet<QString> served;
        for (const Route &r : s.server().router().routes())
            served.insert(QString::fromLatin1(r.method) + QLatin1Char(' ') + r.pattern);
        for (const QString &route : std::as_const(served))
            QVERIFY2(documented.contains(route),
                     qPrintable(route + QStringLiteral(" is served but not in openapi.yaml")));
        for (const QString &route : std::as_const(documented))
            QVERIFY2(served.contains(route),
                     qPrintable(route + QStringLiteral(" is in openapi.yaml but not served")));
    }
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
