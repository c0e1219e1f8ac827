#include "striae/ui/ConclusionDialog.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include "striae/records/Types.h"

namespace striae::ui {

ConclusionDialog::ConclusionDialog(const QString& title, const QString& context, QWidget* parent)
    : QDialog(parent), choices_(new QButtonGroup(this)), buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setWindowTitle(title);
    setObjectName("conclusionDialog");
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(context, this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    int id = 0;
    for (const auto& code : records::kAfteConclusions) {
        auto* choice = new QRadioButton(QString::fromStdString(records::conclusionLabel(code)), this);
        choice->setObjectName(QString::fromStdString(code));
        choice->setToolTip(QString::fromStdString(records::conclusionMeaning(code)));
        auto* meaning = new QLabel("<small>" + QString::fromStdString(records::conclusionMeaning(code)).toHtmlEscaped() + "</small>", this);
        meaning->setIndent(24);
        meaning->setWordWrap(true);
        choices_->addButton(choice, id++);
        layout->addWidget(choice);
        layout->addWidget(meaning);
    }
    choices_->setExclusive(true);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Record conclusion"));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);  // nothing chosen in advance
    connect(choices_, &QButtonGroup::idClicked, this, [this] { buttons_->button(QDialogButtonBox::Ok)->setEnabled(true); });
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons_);
}

std::optional<std::string> ConclusionDialog::conclusion() const {
    const int id = choices_->checkedId();
    if (id < 0) return std::nullopt;
    return records::kAfteConclusions[std::size_t(id)];
}

std::optional<std::string> ConclusionDialog::ask(QWidget* parent, const QString& title, const QString& context) {
    ConclusionDialog dialog(title, context, parent);
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;
    return dialog.conclusion();
}

}  // namespace striae::ui
