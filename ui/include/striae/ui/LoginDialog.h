#pragma once
// Log in or switch user inside the workstation. A failed attempt says why in
// the dialog and leaves it open; the window keeps the previous user until one
// succeeds.
#include <QDialog>
#include <functional>
#include <optional>

class QLabel;
class QLineEdit;

namespace striae::ui {

class LoginDialog : public QDialog {
    Q_OBJECT
public:
    // `attempt(user, password)` returns an error to show, or nothing when the log-in succeeded.
    using Attempt = std::function<std::optional<QString>(const QString& user, const QString& password)>;
    LoginDialog(Attempt attempt, const QString& currentUser, QWidget* parent = nullptr);

private:
    void tryLogin();
    Attempt attempt_;
    QLineEdit* user_;
    QLineEdit* password_;
    QLabel* error_;
};

}  // namespace striae::ui
