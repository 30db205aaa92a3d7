#include "SqliteFileCheck.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

namespace interlock::sqlitecheck {

namespace {
quint32 bigEndian32(const QByteArray &b, int at)
{
    return (quint32(quint8(b[at])) << 24) | (quint32(quint8(b[at + 1])) << 16) |
           (quint32(quint8(b[at + 2])) << 8) | quint32(quint8(b[at + 3]));
}

// How the first bytes of a file that is not a database look, for the message.
QString preview(const QByteArray &head)
{
    QString shown;
    for (const char c : head.left(16)) {
        if (c >= 0x20 && c < 0x7f)
            shown += QLatin1Char(c);
        else
            shown += QStringLiteral("\\x%1").arg(quint8(c), 2, 16, QLatin1Char('0'));
    }
    return shown;
}
} // namespace

QString checkFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {}; // a new database
    if (!info.isFile())
        return QStringLiteral("%1 is not a regular file").arg(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
    const qint64 size = file.size();
    if (size == 0)
        return QStringLiteral("%1 is an empty file (0 bytes), not an Interlock database; a new "
                              "database is only created where no file exists, so remove it or "
                              "choose another path")
            .arg(path);
    const QByteArray head = file.read(100);
    static const QByteArray magic("SQLite format 3\0", 16);
    if (!head.startsWith(magic))
        return QStringLiteral("%1 is not a SQLite database (it starts with \"%2\")")
            .arg(path, preview(head));
    if (head.size() < 100)
        return QStringLiteral("%1 is truncated: %2 bytes, shorter than a SQLite header")
            .arg(path)
            .arg(size);
    const quint32 rawPageSize = (quint32(quint8(head[16])) << 8) | quint8(head[17]);
    const qint64 pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        return QStringLiteral("%1 is corrupt: its header gives an impossible page size (%2)")
            .arg(path)
            .arg(rawPageSize);
    if (size % pageSize != 0)
        return QStringLiteral("%1 is truncated: %2 bytes is not a whole number of %3-byte pages")
            .arg(path)
            .arg(size)
            .arg(pageSize);
    // The page count in the header is valid when it was written with the current change counter
    // (SQLite >= 3.7.0); the file is at least that long unless something cut it short.
    const quint32 changeCounter = bigEndian32(head, 24);
    const quint32 pages = bigEndian32(head, 28);
    const quint32 validFor = bigEndian32(head, 92);
    if (pages != 0 && validFor == changeCounter && size < qint64(pages) * pageSize)
        return QStringLiteral("%1 is truncated: its header says %2 pages of %3 bytes (%4 bytes) "
                              "but the file has %5 bytes")
            .arg(path)
            .arg(pages)
            .arg(pageSize)
            .arg(qint64(pages) * pageSize)
            .arg(size);
    return {};
}

QuickCheck quickCheck(sqlite3 *db, const QString &path, qint64 budgetMs)
{
    QuickCheck out;
    QElapsedTimer timer;
    timer.start();
    struct Budget {
        QElapsedTimer *timer;
        qint64 ms;
        bool exceeded = false;
    } budget{&timer, budgetMs};
    if (budgetMs > 0) {
        // Called every 10,000 virtual machine instructions; non-zero interrupts the check.
        sqlite3_progress_handler(
            db, 10000,
            [](void *p) {
                auto *b = static_cast<Budget *>(p);
                b->exceeded = b->timer->elapsed() > b->ms;
                return b->exceeded ? 1 : 0;
            },
            &budget);
    }
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(5)", -1, &stmt, nullptr);
    QStringList findings;
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
            // A finding may begin with a "*** in database main ***" line.
            QStringList lines = QString::fromUtf8(text ? text : "").split(QLatin1Char('\n'));
            lines.removeIf([](const QString &l) {
                return l.trimmed().isEmpty() || l.startsWith(QLatin1String("*** in database")) ||
                       l.trimmed() == QLatin1String("ok");
            });
            if (!lines.isEmpty())
                findings.append(lines.join(QLatin1Char(' ')).simplified());
        }
    }
    const QString sqliteError = QString::fromUtf8(sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    sqlite3_progress_handler(db, 0, nullptr, nullptr);
    out.elapsedMs = timer.elapsed();
    if (budget.exceeded) {
        out.complete = false;
        if (!findings.isEmpty())
            out.problem = QStringLiteral("%1 is corrupt: PRAGMA quick_check found: %2")
                              .arg(path, findings.join(QStringLiteral("; ")));
        return out;
    }
    if (rc != SQLITE_DONE)
        findings.append(sqliteError);
    if (!findings.isEmpty())
        out.problem = QStringLiteral("%1 is corrupt: PRAGMA quick_check found: %2")
                          .arg(path, findings.join(QStringLiteral("; ")));
    return out;
}

} // namespace interlock::sqlitecheck
