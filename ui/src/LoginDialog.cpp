#include "striae/ui/LoginDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace striae::ui {

LoginDialog::LoginDialog(Attempt attempt, const QString& currentUser, QWidget* parent)
    : QDialog(parent), attempt_(std::move(attempt)), user_(new QLineEdit(this)), password_(new QLineEdit(this)), error_(new QLabel(this)) {
    setWindowTitle(currentUser.isEmpty() ? tr("Log in") : tr("Switch user"));
    setObjectName("loginDialog");
    user_->setObjectName("loginUser");
    password_->setObjectName("loginPassword");
    password_->setEchoMode(QLineEdit::Password);
    error_->setObjectName("loginError");
    error_->setStyleSheet("color: #b00020");
    error_->setWordWrap(true);
    error_->hide();
    auto* form = new QFormLayout;
    form->addRow(tr("User name"), user_);
    form->addRow(tr("Password"), password_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Log in"));
    connect(buttons, &QDialogButtonBox::accepted, this, &LoginDialog::tryLogin);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    if (!currentUser.isEmpty()) layout->addWidget(new QLabel(tr("Logged in now: %1").arg(currentUser), this));
    layout->addLayout(form);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    user_->setFocus();
}

void LoginDialog::tryLogin() {
    const auto error = attempt_(user_->text().trimmed(), password_->text());
    if (!error) {
        accept();
        return;
    }
    error_->setText(*error);
    error_->show();
    password_->clear();
    password_->setFocus();
}

}  // namespace striae::ui
