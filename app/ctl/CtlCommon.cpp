#include "CtlCommon.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace interlock::ctl {

bool parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &synopsis,
                    int *exitCode)
{
    parser.setApplicationDescription(synopsis);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        std::fprintf(stderr, "interlockctl: %s (see '%s --help')\n", qPrintable(parser.errorText()),
                     qPrintable(args.mid(0, 2).join(QLatin1Char(' '))));
        *exitCode = Usage;
        return false;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        text.replace(QStringLiteral("Usage: ") + args.value(0),
                     QStringLiteral("Usage: interlockctl ") + args.value(1));
        std::fputs(qPrintable(text), stdout);
        *exitCode = Ok;
        return false;
    }
    return true;
}

void addConnectionOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("server"),
         QStringLiteral("Server URL (default: $INTERLOCK_URL or http://127.0.0.1:7878)."),
         QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("token"),
         QStringLiteral("Bearer token (default: $INTERLOCK_TOKEN, then $INTERLOCK_SESSION_TOKEN)."),
         QStringLiteral("TOKEN")});
    parser.addOption({QStringLiteral("ca"),
                      QStringLiteral("Trust only the CA certificates in this PEM file for https:// "
                                     "(default: $INTERLOCK_CA, else the system's)."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("insecure"),
         QStringLiteral("Allow plain http:// to a server that is not on this machine (the token "
                        "crosses the network unencrypted).")});
}

bool useConnectionSecurity(const QCommandLineParser &parser)
{
    ConnectionSecurity security;
    security.allowPlainRemote = parser.isSet(QStringLiteral("insecure"));
    const QString caFile = parser.isSet(QStringLiteral("ca"))
                               ? parser.value(QStringLiteral("ca"))
                               : qEnvironmentVariable("INTERLOCK_CA");
    if (!caFile.isEmpty()) {
        QString error;
        const auto cas = ConnectionSecurity::readCaFile(caFile, &error);
        if (!cas) {
            fail(QStringLiteral("--ca: ") + error);
            return false;
        }
        security.caCertificates = *cas;
    }
    ApiClient::setDefaultSecurity(security);
    return true;
}

void addSessionOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("agent"), QStringLiteral("The agent's name."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("owner"),
                      QStringLiteral("The person responsible for the agent."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("description"), QStringLiteral("What the agent is doing."),
                      QStringLiteral("TEXT")});
}

QJsonObject sessionBody(const QCommandLineParser &parser, bool supervised)
{
    QJsonObject body{{QStringLiteral("agent"), parser.value(QStringLiteral("agent"))}};
    for (const QString &field : {QStringLiteral("owner"), QStringLiteral("description")}) {
        if (parser.isSet(field))
            body.insert(field, parser.value(field));
    }
    if (supervised)
        body.insert(QStringLiteral("supervised"), true);
    return body;
}

QUrl serverUrl(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("server")))
        return QUrl(parser.value(QStringLiteral("server")));
    const QString env = qEnvironmentVariable("INTERLOCK_URL");
    return QUrl(env.isEmpty() ? QStringLiteral("http://127.0.0.1:7878") : env);
}

QString token(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("token")))
        return parser.value(QStringLiteral("token"));
    const QString env = qEnvironmentVariable("INTERLOCK_TOKEN");
    return env.isEmpty() ? qEnvironmentVariable("INTERLOCK_SESSION_TOKEN") : env;
}

QString terminalSafe(const QString &text)
{
    const auto unsafe = [](char16_t c) {
        return (c < 0x20 && c != u'\n') || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e ||
               c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
               c == 0x2028 || c == 0x2029;
    };
    if (std::none_of(text.cbegin(), text.cend(), [&](QChar c) { return unsafe(c.unicode()); }))
        return text;
    QString safe;
    safe.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (unsafe(c.unicode()))
            safe += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            safe += c;
    }
    return safe;
}

QString shortText(QString s, int width)
{
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return s.size() > width ? s.left(width - 1) + QChar(0x2026) : s;
}

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "interlockctl: %s\n", terminalSafe(message).toUtf8().constData());
    return code;
}

void out(const QString &text)
{
    std::fputs(terminalSafe(text).toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

bool readJsonArgument(const QString &value, QJsonObject *out, QString *error)
{
    QByteArray data;
    if (value == QLatin1String("-") || value.startsWith(QLatin1Char('@'))) {
        QFile file;
        const bool ok = value == QLatin1String("-")
                            ? file.open(stdin, QIODevice::ReadOnly)
                            : (file.setFileName(value.mid(1)), file.open(QIODevice::ReadOnly));
        if (!ok) {
            *error = QStringLiteral("cannot read %1: %2").arg(value, file.errorString());
            return false;
        }
        data = file.readAll();
    } else {
        data = value.toUtf8();
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = parseError.error != QJsonParseError::NoError
                     ? QStringLiteral("not valid JSON: %1 at offset %2")
                           .arg(parseError.errorString())
                           .arg(parseError.offset)
                     : QStringLiteral("expected a JSON object");
        return false;
    }
    *out = doc.object();
    return true;
}

void forgetTokenEnvironment()
{
    if (char *value = std::getenv("INTERLOCK_TOKEN"))
        std::memset(value, 0, std::strlen(value));
    ::unsetenv("INTERLOCK_TOKEN");
}

void scrubTokenArgument(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        char *arg = argv[i];
        if (std::strcmp(arg, "--") == 0)
            return;
        if (std::strncmp(arg, "--token=", 8) == 0)
            std::memset(arg + 8, 'x', std::strlen(arg + 8));
        else if (std::strcmp(arg, "--token") == 0 && i + 1 < argc)
            std::memset(argv[i + 1], 'x', std::strlen(argv[i + 1]));
    }
}

} // namespace interlock::ctl
