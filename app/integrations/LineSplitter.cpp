#include "LineSplitter.h"

namespace interlock::integrations {

void LineSplitter::feed(const QByteArray &chunk, QList<QByteArray> *lines, int *oversized)
{
    qsizetype start = 0;
    while (start < chunk.size()) {
        const qsizetype newline = chunk.indexOf('\n', start);
        const qsizetype end = newline < 0 ? chunk.size() : newline;
        if (!m_discarding) {
            if (m_partial.size() + (end - start) > m_max) {
                m_partial.clear();
                m_discarding = true;
                ++*oversized;
            } else {
                m_partial.append(chunk.constData() + start, end - start);
            }
        }
        if (newline < 0)
            break;
        if (!m_discarding)
            lines->append(std::exchange(m_partial, QByteArray()));
        m_discarding = false;
        start = newline + 1;
    }
}

QByteArray LineSplitter::takeRest()
{
    m_discarding = false;
    return std::exchange(m_partial, QByteArray());
}

} // namespace interlock::integrations
