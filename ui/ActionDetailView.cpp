#include "ActionDetailView.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
QLabel *plainLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QPlainTextEdit *plainBox(QWidget *parent, bool monospace)
{
    auto *box = new QPlainTextEdit(parent);
    box->setReadOnly(true);
    if (monospace)
        box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return box;
}

// A plain unified rendering of `changes` (the diff view of the console issue replaces it).
QString changesText(const QJsonObject &action)
{
    if (action.contains(QStringLiteral("diff")))
        return action.value(QStringLiteral("diff")).toString();
    QString out;
    for (const QJsonValue &v : action.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        out +=
            QStringLiteral("--- a/%1\n+++ b/%1\n").arg(c.value(QStringLiteral("path")).toString());
        for (const QString &line : c.value(QStringLiteral("before"))
                                       .toString()
                                       .split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            out += QLatin1Char('-') + line + QLatin1Char('\n');
        for (const QString &line : c.value(QStringLiteral("after"))
                                       .toString()
                                       .split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            out += QLatin1Char('+') + line + QLatin1Char('\n');
    }
    return out;
}
} // namespace

ActionDetailView::ActionDetailView(QWidget *parent)
    : QWidget(parent)
    , m_title(plainLabel(this))
    , m_meta(plainLabel(this))
    , m_risk(plainLabel(this))
    , m_reasons(plainLabel(this))
    , m_summary(plainBox(this, false))
    , m_payload(plainBox(this, true))
    , m_changes(plainBox(this, true))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_risk->setMargin(4);
    m_summary->setMaximumHeight(90);

    auto *form = new QFormLayout;
    form->addRow(tr("Risk"), m_risk);
    form->addRow(tr("Why"), m_reasons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_meta);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Summary"), this));
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("Payload (what the agent will run)"), this));
    layout->addWidget(m_payload, 2);
    layout->addWidget(new QLabel(tr("Changes"), this));
    layout->addWidget(m_changes, 3);
    clear();
}

void ActionDetailView::clear()
{
    m_title->setText(tr("Select an action"));
    for (QLabel *l : {m_meta, m_risk, m_reasons})
        l->clear();
    m_risk->setStyleSheet({});
    for (QPlainTextEdit *e : {m_summary, m_payload, m_changes})
        e->clear();
}

void ActionDetailView::show(const QJsonObject &a)
{
    m_title->setText(a.value(QStringLiteral("title")).toString());
    m_meta->setText(tr("%1 · %2 · session %3 · target %4 · %5")
                        .arg(a.value(QStringLiteral("kind")).toString(),
                             a.value(QStringLiteral("agent")).toString(),
                             a.value(QStringLiteral("session_id")).toString(),
                             a.value(QStringLiteral("target")).toString(),
                             a.value(QStringLiteral("status")).toString()));
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    const QString level = risk.value(QStringLiteral("level")).toString();
    m_risk->setText(QStringLiteral("%1 · %2")
                        .arg(level.toUpper())
                        .arg(risk.value(QStringLiteral("score")).toInt()));
    static const QHash<QString, QString> colours{
        {QStringLiteral("critical"), QStringLiteral("#b91c1c")},
        {QStringLiteral("high"), QStringLiteral("#ea580c")},
        {QStringLiteral("medium"), QStringLiteral("#ca8a04")},
        {QStringLiteral("low"), QStringLiteral("#15803d")}};
    m_risk->setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; color: white; font-weight: bold; border-radius: 4px; }")
            .arg(colours.value(level, QStringLiteral("#6b7280"))));
    QStringList reasons;
    for (const QJsonValue &v : risk.value(QStringLiteral("reasons")).toArray()) {
        const QJsonObject r = v.toObject();
        reasons.append(QStringLiteral("+%1  %2")
                           .arg(r.value(QStringLiteral("weight")).toInt())
                           .arg(r.value(QStringLiteral("message")).toString()));
    }
    m_reasons->setText(reasons.join(QLatin1Char('\n')));
    m_summary->setPlainText(a.value(QStringLiteral("summary")).toString());
    m_payload->setPlainText(
        QString::fromUtf8(QJsonDocument(a.value(QStringLiteral("payload")).toObject())
                              .toJson(QJsonDocument::Indented)));
    m_changes->setPlainText(changesText(a));
}

QString ActionDetailView::riskText() const
{
    return m_risk->text();
}

} // namespace interlock::ui
