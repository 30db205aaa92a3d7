#include "ClaudeSettingsInstaller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace interlock::integrations {

namespace {
const QString kHooks = QStringLiteral("hooks");
const QString kPreToolUse = QStringLiteral("PreToolUse");

QJsonObject hookObject(const ClaudeSettingsInstaller::Entry &e)
{
    return {{QStringLiteral("type"), QStringLiteral("command")},
            {QStringLiteral("command"), e.command},
            {QStringLiteral("args"), QJsonArray::fromStringList(e.args)},
            {QStringLiteral("timeout"), e.timeoutSeconds}};
}

QString compact(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}
} // namespace

bool ClaudeSettingsInstaller::isInterlockHook(const QJsonObject &hook)
{
    const QString command = hook.value(QStringLiteral("command")).toString();
    const QJsonArray args = hook.value(QStringLiteral("args")).toArray();
    if (command.endsWith(QLatin1String("interlockctl")) && args.size() >= 2 &&
        args[0].toString() == QLatin1String("hook") &&
        args[1].toString() == QLatin1String("claude-code"))
        return true;
    return !hook.contains(QStringLiteral("args")) &&
           command.contains(QLatin1String("interlockctl hook claude-code"));
}

ClaudeSettingsInstaller::Outcome ClaudeSettingsInstaller::merge(const QJsonObject &settings,
                                                                const Entry &entry)
{
    Outcome out;
    out.settings = settings;
    if (settings.contains(kHooks) && !settings.value(kHooks).isObject()) {
        out.error = QStringLiteral("\"hooks\" is not a JSON object; nothing was changed");
        return out;
    }
    QJsonObject hooks = settings.value(kHooks).toObject();
    if (hooks.contains(kPreToolUse) && !hooks.value(kPreToolUse).isArray()) {
        out.error = QStringLiteral("\"hooks.PreToolUse\" is not a JSON array; nothing was changed");
        return out;
    }
    QJsonArray groups = hooks.value(kPreToolUse).toArray();
    const QJsonObject wanted = hookObject(entry);
    // Find the first Interlock hook; drop any other (one is enough) and groups left empty.
    qsizetype foundGroup = -1, foundHook = -1;
    for (qsizetype g = 0; g < groups.size(); ++g) {
        QJsonObject group = groups[g].toObject();
        QJsonArray list = group.value(kHooks).toArray();
        const qsizetype before = list.size();
        for (qsizetype h = 0; h < list.size(); ++h) {
            if (!isInterlockHook(list[h].toObject()))
                continue;
            if (foundGroup < 0) {
                foundGroup = g;
                foundHook = h;
                continue;
            }
            list.removeAt(h--);
            out.report.append(QStringLiteral("removed a second Interlock hook from "
                                             "hooks.PreToolUse[%1]")
                                  .arg(g));
        }
        if (list.size() == before)
            continue;
        if (list.isEmpty()) {
            groups.removeAt(g--);
        } else {
            group.insert(kHooks, list);
            groups[g] = group;
        }
    }
    if (foundGroup < 0) {
        const QJsonObject group{{QStringLiteral("matcher"), QStringLiteral("*")},
                                {kHooks, QJsonArray{wanted}}};
        groups.append(group);
        out.report.append(QStringLiteral("added hooks.PreToolUse[%1]: %2")
                              .arg(groups.size() - 1)
                              .arg(compact(group)));
    } else {
        QJsonObject group = groups[foundGroup].toObject();
        QJsonArray list = group.value(kHooks).toArray();
        const QJsonObject hook = list[foundHook].toObject();
        QJsonObject updated = hook;
        for (auto it = wanted.begin(); it != wanted.end(); ++it) {
            if (hook.value(it.key()) != it.value())
                out.report.append(QStringLiteral("hooks.PreToolUse[%1] %2: %3 -> %4")
                                      .arg(foundGroup)
                                      .arg(it.key(),
                                           hook.contains(it.key()) ? compact(hook.value(it.key()))
                                                                   : QStringLiteral("(none)"),
                                           compact(it.value())));
            updated.insert(it.key(), it.value());
        }
        const QJsonValue matcher = group.value(QStringLiteral("matcher"));
        if (matcher.toString() == QLatin1String("*")) {
            list[foundHook] = updated;
            group.insert(kHooks, list);
            groups[foundGroup] = group;
        } else if (list.size() == 1) {
            // Its own group: widen it to every tool.
            out.report.append(QStringLiteral("hooks.PreToolUse[%1] matcher: %2 -> \"*\"")
                                  .arg(foundGroup)
                                  .arg(compact(matcher)));
            group.insert(QStringLiteral("matcher"), QStringLiteral("*"));
            group.insert(kHooks, QJsonArray{updated});
            groups[foundGroup] = group;
        } else {
            // Shared with other hooks of a narrower matcher: those keep theirs.
            list.removeAt(foundHook);
            group.insert(kHooks, list);
            groups[foundGroup] = group;
            groups.append(QJsonObject{{QStringLiteral("matcher"), QStringLiteral("*")},
                                      {kHooks, QJsonArray{updated}}});
            out.report.append(QStringLiteral("moved the Interlock hook from hooks.PreToolUse[%1] "
                                             "(matcher %2) to hooks.PreToolUse[%3] (matcher "
                                             "\"*\")")
                                  .arg(foundGroup)
                                  .arg(compact(matcher))
                                  .arg(groups.size() - 1));
        }
    }
    hooks.insert(kPreToolUse, groups);
    out.settings.insert(kHooks, hooks);
    out.changed = !out.report.isEmpty();
    return out;
}

ClaudeSettingsInstaller::Outcome ClaudeSettingsInstaller::remove(const QJsonObject &settings)
{
    Outcome out;
    out.settings = settings;
    QJsonObject hooks = settings.value(kHooks).toObject();
    QJsonArray groups = hooks.value(kPreToolUse).toArray();
    for (qsizetype g = groups.size() - 1; g >= 0; --g) {
        QJsonObject group = groups[g].toObject();
        QJsonArray list = group.value(kHooks).toArray();
        for (qsizetype h = list.size() - 1; h >= 0; --h) {
            if (isInterlockHook(list[h].toObject())) {
                out.report.append(QStringLiteral("removed %1").arg(compact(list[h])));
                list.removeAt(h);
            }
        }
        if (list.size() == group.value(kHooks).toArray().size())
            continue;
        if (list.isEmpty()) {
            groups.removeAt(g);
        } else {
            group.insert(kHooks, list);
            groups[g] = group;
        }
    }
    if (out.report.isEmpty())
        return out;
    if (groups.isEmpty())
        hooks.remove(kPreToolUse);
    else
        hooks.insert(kPreToolUse, groups);
    if (hooks.isEmpty())
        out.settings.remove(kHooks);
    else
        out.settings.insert(kHooks, hooks);
    out.changed = true;
    return out;
}

ClaudeSettingsInstaller::Outcome
ClaudeSettingsInstaller::apply(const QString &path, const Entry &entry, bool uninstall, bool dryRun)
{
    Outcome out;
    QJsonObject settings;
    QFile file(path);
    const bool existed = file.exists();
    QByteArray old;
    if (existed) {
        if (!file.open(QIODevice::ReadOnly)) {
            out.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return out;
        }
        old = file.readAll();
        file.close();
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(old, &pe);
        if (!old.trimmed().isEmpty() && (pe.error != QJsonParseError::NoError || !doc.isObject())) {
            out.error = QStringLiteral("%1 is not a JSON object (%2 at offset %3); nothing was "
                                       "changed")
                            .arg(path, pe.errorString())
                            .arg(pe.offset);
            return out;
        }
        settings = doc.object();
    }
    out = uninstall ? remove(settings) : merge(settings, entry);
    if (!out.error.isEmpty() || !out.changed || dryRun)
        return out;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        out.error = QStringLiteral("cannot create the folder of %1").arg(path);
        return out;
    }
    if (existed) {
        QFile::remove(path + QStringLiteral(".bak"));
        if (!QFile::copy(path, path + QStringLiteral(".bak"))) {
            out.error =
                QStringLiteral("cannot keep a copy of %1 as %1.bak; nothing was changed").arg(path);
            return out;
        }
        out.report.append(QStringLiteral("the previous file is kept as %1.bak").arg(path));
    }
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) ||
        save.write(QJsonDocument(out.settings).toJson(QJsonDocument::Indented)) < 0 ||
        !save.commit()) {
        out.error = QStringLiteral("cannot write %1: %2").arg(path, save.errorString());
        return out;
    }
    return out;
}

} // namespace interlock::integrations
