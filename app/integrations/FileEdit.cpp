#include "FileEdit.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStringDecoder>

namespace interlock::integrations {

FileSnapshot readTextFile(const QString &path, qint64 maxBytes)
{
    FileSnapshot s;
    QFileInfo info(path);
    s.exists = info.exists();
    if (!s.exists)
        return s;
    if (!info.isFile()) {
        s.problem = QStringLiteral("is not a regular file");
        return s;
    }
    if (info.size() > maxBytes) {
        s.problem = QStringLiteral("is larger than %1 MiB").arg(maxBytes / (1024 * 1024));
        return s;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        s.problem = QStringLiteral("cannot be read: ") + f.errorString();
        return s;
    }
    const QByteArray data = f.read(maxBytes + 1);
    if (data.size() > maxBytes) {
        s.problem = QStringLiteral("is larger than %1 MiB").arg(maxBytes / (1024 * 1024));
        return s;
    }
    QStringDecoder decode(QStringDecoder::Utf8);
    s.text = decode(data);
    if (decode.hasError() || data.contains('\0')) {
        s.text.clear();
        s.problem = QStringLiteral("is not UTF-8 text");
    }
    return s;
}

EditResult applyEdit(const FileSnapshot &file, const QString &before, const QString &oldString,
                     const QString &newString, bool replaceAll)
{
    if (oldString.isEmpty()) {
        if (file.exists && !before.isEmpty())
            return {{},
                    QStringLiteral("old_string is empty but the file already has content, so "
                                   "Claude Code's Edit would fail")};
        return {newString, {}};
    }
    if (!file.exists)
        return {{}, QStringLiteral("the file does not exist, so Claude Code's Edit would fail")};
    if (oldString == newString)
        return {{}, QStringLiteral("old_string and new_string are the same: nothing to change")};
    const qsizetype count = before.count(oldString);
    if (count == 0)
        return {{},
                QStringLiteral("old_string is not in the file as it is on disk, so Claude "
                               "Code's Edit would fail")};
    if (count > 1 && !replaceAll)
        return {{},
                QStringLiteral("old_string occurs %1 times in the file and replace_all is not "
                               "set, so Claude Code's Edit would fail")
                    .arg(count)};
    // Claude Code (2.1.197) deletes a line whole: with an empty new_string, an old_string that
    // does not end with a line break is taken with the line break after it, wherever the file
    // holds that longer text; then only the occurrences followed by a line break go.
    QString target = oldString;
    if (newString.isEmpty() && !oldString.endsWith(QLatin1Char('\n')) &&
        before.contains(oldString + QLatin1Char('\n')))
        target = oldString + QLatin1Char('\n');
    QString after = before;
    if (replaceAll)
        after.replace(target, newString);
    else
        after.replace(before.indexOf(target), target.size(), newString);
    return {after, {}};
}

QString languageOf(const QString &path)
{
    static const QHash<QString, QString> bySuffix{
        {QStringLiteral("py"), QStringLiteral("Python")},
        {QStringLiteral("c"), QStringLiteral("C")},
        {QStringLiteral("h"), QStringLiteral("C++")},
        {QStringLiteral("hpp"), QStringLiteral("C++")},
        {QStringLiteral("cpp"), QStringLiteral("C++")},
        {QStringLiteral("cc"), QStringLiteral("C++")},
        {QStringLiteral("js"), QStringLiteral("JavaScript")},
        {QStringLiteral("mjs"), QStringLiteral("JavaScript")},
        {QStringLiteral("ts"), QStringLiteral("TypeScript")},
        {QStringLiteral("json"), QStringLiteral("JSON")},
        {QStringLiteral("sh"), QStringLiteral("Bash")},
        {QStringLiteral("md"), QStringLiteral("Markdown")},
        {QStringLiteral("yaml"), QStringLiteral("YAML")},
        {QStringLiteral("yml"), QStringLiteral("YAML")},
        {QStringLiteral("rs"), QStringLiteral("Rust")},
        {QStringLiteral("go"), QStringLiteral("Go")},
        {QStringLiteral("java"), QStringLiteral("Java")},
        {QStringLiteral("rb"), QStringLiteral("Ruby")},
        {QStringLiteral("html"), QStringLiteral("HTML")},
        {QStringLiteral("css"), QStringLiteral("CSS")},
        {QStringLiteral("sql"), QStringLiteral("SQL")},
        {QStringLiteral("toml"), QStringLiteral("TOML")},
        {QStringLiteral("xml"), QStringLiteral("XML")},
    };
    const QFileInfo info(path);
    if (info.fileName() == QLatin1String("CMakeLists.txt"))
        return QStringLiteral("CMake");
    return bySuffix.value(info.suffix().toLower());
}

} // namespace interlock::integrations
