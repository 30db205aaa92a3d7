#include "EditDialog.h"

#include "RevealedText.h"
#include "diff/DiffView.h"

#include <QRegularExpression>
#include <QSyntaxHighlighter>

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
// Colours the \uXXXX escapes of hidden characters in the editor.
class EscapeHighlighter : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;

protected:
    void highlightBlock(const QString &text) override
    {
        static const QRegularExpression escape(QStringLiteral(R"(\\u[0-9a-fA-F]{4})"));
        QTextCharFormat f;
        f.setForeground(RevealedText::placeholderText());
        f.setBackground(RevealedText::placeholderBackground());
        for (auto it = escape.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), f);
        }
    }
};
} // namespace

EditDialog::EditDialog(const QJsonObject &action, QWidget *parent)
    : QDialog(parent)
    , m_original(action.value(QStringLiteral("payload")).toObject())
    , m_payload(m_original)
    , m_editor(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_diff(new DiffView(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    QString title = RevealedText::plain(action.value(QStringLiteral("title")).toString());
    if (title.size() > 80)
        title = title.left(79) + u'…';
    setWindowTitle(tr("Edit before approving: %1").arg(title));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    layOutLeftToRight(m_editor, m_editor->document()); // JSON, whatever letters it holds
    // Hidden characters appear as JSON escapes (\u202e), coloured: the text stays the same JSON.
    m_editor->setPlainText(editable(m_original));
    new EscapeHighlighter(m_editor->document());
    m_status->setTextFormat(Qt::PlainText);
    QPushButton *ok = m_buttons->addButton(tr("Approve edited"), QDialogButtonBox::AcceptRole);
    ok->setDefault(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_diffTimer.setSingleShot(true);
    m_diffTimer.setInterval(250);
    connect(&m_diffTimer, &QTimer::timeout, this, [this] {
        m_diff->setTexts(QStringLiteral("payload.json"), pretty(m_original), pretty(m_payload));
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &EditDialog::check);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_editor);
    split->addWidget(m_diff);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("The payload the agent will run with (JSON). Your edit is "
                                    "scored for risk again; the agent's version is kept."),
                                 this));
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(900, 700);
    check();
}

QString EditDialog::editable(const QJsonObject &payload)
{
    const QString text = pretty(payload);
    const QList<HiddenChar> found = HiddenText::find(text, HiddenText::Lines::Multi);
    if (found.isEmpty())
        return text;
    QString out;
    out.reserve(text.size() + found.size() * 6);
    qsizetype from = 0;
    for (const HiddenChar &h : found) {
        // Blanks stay blanks where the reviewer edits (a deep payload's indentation is a run too,
        // and \u0020 outside a string is no JSON).
        if (h.cls == HiddenClass::BlankRun)
            continue;
        out += QStringView(text).mid(from, h.position - from);
        // An escape sequence: only its introducer is hidden; the rest is printable.
        const qsizetype length =
            h.cls == HiddenClass::Escape ? (h.codePoint > 0xFFFF ? 2 : 1) : h.length;
        for (qsizetype i = h.position; i < h.position + length; ++i)
            out += QStringLiteral("\\u%1").arg(uint(text.at(i).unicode()), 4, 16, QLatin1Char('0'));
        from = h.position + length;
    }
    out += QStringView(text).mid(from);
    return out;
}

QString EditDialog::pretty(const QJsonObject &payload)
{
    return QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Indented));
}

std::optional<QJsonObject> EditDialog::parse(const QString &text, QString *error)
{
    const QByteArray utf8 = text.toUtf8();
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &e);
    if (e.error != QJsonParseError::NoError) {
        const QByteArray before = utf8.left(e.offset);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = e.offset - (before.lastIndexOf('\n') + 1) + 1;
        *error = tr("Line %1, column %2: %3").arg(line).arg(column).arg(e.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = tr("The payload must be a JSON object ({ … }).");
        return std::nullopt;
    }
    return doc.object();
}

void EditDialog::check()
{
    QString error;
    const auto parsed = parse(m_editor->toPlainText(), &error);
    if (parsed)
        m_payload = *parsed;
    const bool changed = parsed && *parsed != m_original;
    for (QAbstractButton *b : m_buttons->buttons()) {
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(parsed && changed);
    }
    if (!parsed)
        m_status->setText(error);
    else if (!changed)
        m_status->setText(tr("No change yet: edit the payload, or use Approve instead."));
    else
        m_status->setText(tr("Valid JSON. The diff shows your edit against the agent's version."));
    m_status->setStyleSheet(parsed ? QString() : QStringLiteral("color: #b91c1c;"));
    if (parsed)
        m_diffTimer.start();
}

QString EditDialog::statusText() const
{
    return m_status->text();
}

bool EditDialog::canAccept() const
{
    QString error;
    const auto parsed = parse(m_editor->toPlainText(), &error);
    return parsed && *parsed != m_original;
}

} // namespace interlock::ui
