#pragma once
// Asks for an AFTE conclusion with nothing chosen in advance (no anchoring):
// the six conclusions by name with what each means; OK only once one is chosen.
#include <QDialog>
#include <optional>
#include <string>

class QButtonGroup;
class QDialogButtonBox;

namespace striae::ui {

class ConclusionDialog : public QDialog {
    Q_OBJECT
public:
    ConclusionDialog(const QString& title, const QString& context, QWidget* parent = nullptr);
    // The chosen conclusion's code (e.g. "inconclusive_a"), none until one is chosen.
    std::optional<std::string> conclusion() const;
    // Opens the dialog modally; the code chosen, or nothing if cancelled.
    static std::optional<std::string> ask(QWidget* parent, const QString& title, const QString& context);

private:
    QButtonGroup* choices_;
    QDialogButtonBox* buttons_;
};

}  // namespace striae::ui
