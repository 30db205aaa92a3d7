#pragma once

#include <QStringList>

namespace interlock {

// Personal data in text an action sends out (issue #15): e-mail addresses, phone numbers,
// national identifiers (US SSN, UK National Insurance, Spanish DNI with its check letter),
// IBANs (ISO 13616 mod-97 checksum) and payment card numbers (Luhn). Each kind is counted once
// per distinct value; checksums keep random digits from counting.
struct PersonalData {
    int emails = 0;
    int phones = 0;
    int nationalIds = 0;
    int ibans = 0;
    int cards = 0;

    int contacts() const { return emails + phones; }
    // "3 e-mail addresses, 2 phone numbers"; only the kinds in `kinds` (contacts, ids, iban)
    QString describe(const QStringList &kinds) const;

    // `ignore`: addresses not to count (the recipients themselves).
    static PersonalData find(const QStringList &texts, const QStringList &ignore = {});
    static bool isValidIban(const QString &iban); // spaces allowed
    static bool passesLuhn(const QString &digits);
};

} // namespace interlock
