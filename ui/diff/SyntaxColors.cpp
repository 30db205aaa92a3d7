#include "SyntaxColors.h"

#include <QCoreApplication>
#include <QPointer>
#include <QProcess>
#include <QStandardPaths>
#include <QThreadPool>
#include <QTimer>

namespace interlock::ui {

namespace {
struct Style {
    QColor color;
    bool bold = false;
    bool italic = false;
};

Style parseStyle(QStringView css)
{
    Style s;
    for (QStringView part : css.split(u';', Qt::SkipEmptyParts)) {
        const qsizetype colon = part.indexOf(u':');
        if (colon < 0)
            continue;
        const QStringView key = part.first(colon).trimmed();
        const QStringView value = part.sliced(colon + 1).trimmed();
        if (key == u"color")
            s.color = QColor(value.toString());
        else if (key == u"font-weight")
            s.bold = value == u"bold";
        else if (key == u"font-style")
            s.italic = value == u"italic";
    }
    return s;
}

QChar entity(QStringView name)
{
    if (name == u"lt")
        return u'<';
    if (name == u"gt")
        return u'>';
    if (name == u"amp")
        return u'&';
    if (name == u"quot")
        return u'"';
    if (name == u"apos")
        return u'\'';
    if (name.startsWith(u"#x"))
        return QChar(name.sliced(2).toUInt(nullptr, 16));
    if (name.startsWith(u'#'))
        return QChar(name.sliced(1).toUInt());
    return QChar::ReplacementCharacter;
}
} // namespace

SyntaxColors::SyntaxColors(QObject *parent)
    : QObject(parent)
    , m_program(program())
{}

SyntaxColors::~SyntaxColors()
{
    for (QProcess *p : findChildren<QProcess *>()) {
        p->disconnect(this);
        p->kill();
        p->waitForFinished(1000);
    }
}

QString SyntaxColors::program()
{
    for (const char *name : {"ksyntaxhighlighter6", "kate-syntax-highlighter"}) {
        const QString path = QStandardPaths::findExecutable(QLatin1String(name));
        if (!path.isEmpty())
            return path;
    }
    return {};
}

QList<LineSpans> SyntaxColors::parseHtml(const QByteArray &bytes)
{
    const QString html = QString::fromUtf8(bytes);
    QList<LineSpans> lines;
    qsizetype at = html.indexOf(QLatin1String("<pre>"));
    if (at < 0)
        return lines;
    at += 5;
    if (at < html.size() && html[at] == u'\n')
        ++at;
    QList<Style> stack;
    LineSpans current;
    int column = 0;
    const auto emitChar = [&](QChar) {
        if (!stack.isEmpty() &&
            (stack.last().color.isValid() || stack.last().bold || stack.last().italic)) {
            const Style &s = stack.last();
            if (!current.isEmpty() && current.last().start + current.last().length == column &&
                current.last().color == s.color && current.last().bold == s.bold &&
                current.last().italic == s.italic)
                ++current.last().length;
            else
                current.append({column, 1, s.color, s.bold, s.italic});
        }
        ++column;
    };
    while (at < html.size()) {
        const QChar c = html[at];
        if (c == u'<') {
            const qsizetype end = html.indexOf(u'>', at);
            if (end < 0)
                break;
            const QStringView tag = QStringView(html).sliced(at + 1, end - at - 1);
            if (tag.startsWith(u"/pre"))
                break;
            if (tag.startsWith(u"span")) {
                const qsizetype style = tag.indexOf(u"style=\"");
                stack.append(style < 0 ? Style()
                                       : parseStyle(tag.sliced(style + 7).split(u'"').first()));
            } else if (tag.startsWith(u"/span") && !stack.isEmpty()) {
                stack.removeLast();
            }
            at = end + 1;
        } else if (c == u'&') {
            const qsizetype end = html.indexOf(u';', at);
            if (end < 0 || end - at > 10) {
                emitChar(c);
                ++at;
                continue;
            }
            emitChar(entity(QStringView(html).sliced(at + 1, end - at - 1)));
            at = end + 1;
        } else if (c == u'\n') {
            lines.append(current);
            current.clear();
            column = 0;
            ++at;
        } else {
            emitChar(c);
            ++at;
        }
    }
    if (!current.isEmpty())
        lines.append(current);
    return lines;
}

void SyntaxColors::highlight(const QString &language, const QStringList &lines,
                             std::function<void(QList<LineSpans>)> done)
{
    if (m_program.isEmpty() || language.isEmpty() || lines.isEmpty()) {
        done({});
        return;
    }
    auto *process = new QProcess(this);
    auto *timeout = new QTimer(process);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, process, [process] { process->kill(); });
    QPointer<SyntaxColors> self(this);
    connect(process, &QProcess::finished, this,
            [self, process, done, count = lines.size()](int code, QProcess::ExitStatus status) {
                const QByteArray html = process->readAllStandardOutput();
                process->deleteLater();
                if (code != 0 || status != QProcess::NormalExit) {
                    done({});
                    return;
                }
                // Parsing a large file's HTML is real work: a worker thread does it.
                QThreadPool::globalInstance()->start([self, html, done, count] {
                    QList<LineSpans> spans = parseHtml(html);
                    spans.resize(count);
                    QMetaObject::invokeMethod(
                        QCoreApplication::instance(),
                        [self, spans = std::move(spans), done] {
                            if (self)
                                done(spans);
                        },
                        Qt::QueuedConnection);
                });
            });
    connect(process, &QProcess::errorOccurred, this, [process, done](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            process->deleteLater();
            done({});
        }
    });
    process->start(m_program, {QStringLiteral("--stdin"), QStringLiteral("-s"), language,
                               QStringLiteral("-f"), QStringLiteral("html")});
    process->write(lines.join(u'\n').toUtf8() + '\n');
    process->closeWriteChannel();
    timeout->start(15000);
}

} // namespace interlock::ui
