#pragma once

#include <QByteArray>
#include <QList>

namespace interlock::integrations {

// Splits a byte stream into newline-delimited lines of at most maxBytes each (without the
// newline; a trailing \r is kept as it came). A longer line is dropped whole, never cut, and
// counted: its bytes are skipped up to the next newline without being held in memory.
class LineSplitter
{
public:
    explicit LineSplitter(qsizetype maxBytes)
        : m_max(maxBytes)
    {}

    // Appends a chunk; complete lines go to *lines, dropped ones are counted in *oversized.
    void feed(const QByteArray &chunk, QList<QByteArray> *lines, int *oversized);
    // What is left without a final newline at the end of the stream, if anything.
    QByteArray takeRest();
    bool discarding() const { return m_discarding; }

private:
    qsizetype m_max;
    QByteArray m_partial;
    bool m_discarding = false;
};

} // namespace interlock::integrations
