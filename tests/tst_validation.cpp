#include <QtTest>
class T : public QObject { Q_OBJECT private Q_SLOTS: void todo() { QFAIL("not written"); } };
QTEST_GUILESS_MAIN(T)
#include "tst_validation.moc"
