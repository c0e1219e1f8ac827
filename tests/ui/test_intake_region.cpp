// Intake of a raw scan through the wizard: the region finder's circles are
// shown, the technician drags the primer circle's rim inwards with the mouse
// (synthesized mouse events on the widget), and the import uses the corrected
// circle, as the processing history of the stored scan says.
#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QMouseEvent>

#include "TestData.h"
#include "striae/imaging/Synthetic.h"
#include "striae/imaging/X3p.h"
#include "striae/records/Store.h"
#include "striae/ui/IntakeWizard.h"
#include "striae/ui/MainWindow.h"
#include "striae/ui/RegionEditor.h"

using namespace striae;

namespace {

void mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButtons buttons) {
    QMouseEvent e(type, at, w->mapToGlobal(at), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

void drag(QWidget* w, QPointF from, QPointF to) {
    mouse(w, QEvent::MouseButtonPress, from, Qt::LeftButton);
    for (int i = 1; i <= 10; ++i) mouse(w, QEvent::MouseMove, from + (to - from) * (i / 10.0), Qt::LeftButton);
    mouse(w, QEvent::MouseButtonRelease, to, Qt::NoButton);
    QApplication::processEvents();
}

}  // namespace

TEST(IntakeRegion, TheTechnicianCorrectsThePrimerCircleBeforeImport) {
    ASSERT_NE(QApplication::instance(), nullptr);
    test::TempDir dir;
    const auto storePath = dir / "store";
    {
        auto store = records::Store::create(storePath.string(), {0, "SFPD", "Lab", "US"}, "sam", "Sam", "super-password");
        const auto admin = store.authenticate("sam", "super-password");
        store.addUser(admin, "SFPD", "tina", "Tina", {records::Role::Technician}, "tech-password");
    }
    imaging::SynthOptions o;
    o.raw = true;
    o.rawStyle = imaging::SynthOptions::RawStyle::Aperture;
    o.sizePx = 500;
    o.spacing = 3.125e-6;
    imaging::SynthTruth truth;
    const auto raw = dir / "raw.x3p";
    imaging::writeX3p(imaging::synthesizeShot(o, 1, 1, &truth), raw.string());

    ui::MainWindow window;
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    ASSERT_TRUE(window.login("tina", "tech-password"));
    const auto view = records::Store::open(storePath.string());
    ui::IntakeWizard wizard(&view);
    wizard.findChild<QLineEdit*>("caseNumber")->setText("2026-0500");
    wizard.findChild<QLineEdit*>("offence")->setText("shots fired");
    wizard.findChild<QLineEdit*>("itemLabel")->setText("Q1");
    wizard.findChild<QLineEdit*>("caliber")->setText("9mm Luger");
    ASSERT_EQ(wizard.addFiles({QString::fromStdString(raw.string())}), 1);
    wizard.resize(1100, 760);
    wizard.show();
    wizard.next();
    wizard.next();  // the scans page
    wizard.selectFile(0);
    QApplication::processEvents();
    ui::RegionEditor* editor = wizard.regionEditor();
    ASSERT_TRUE(editor->isVisible()) << "a raw scan shows the region editor";
    ASSERT_TRUE(editor->region().primerFound);
    EXPECT_NEAR(editor->region().primerRadius, truth.primerRadius, 0.03 * truth.primerRadius);
    const double detected = editor->region().primerRadius;

    // Drag the primer's rim (to the right of its centre) 15 % of its radius inwards.
    const auto& r = editor->region();
    const QPointF rim = editor->toWidget(r.primerX + r.primerRadius, r.primerY);
    const QPointF inwards = editor->toWidget(r.primerX + 0.85 * r.primerRadius, r.primerY);
    drag(editor, rim, inwards);
    EXPECT_NEAR(editor->region().primerRadius, 0.85 * detected, 0.02 * detected);
    ASSERT_TRUE(editor->corrections().primer.has_value());
    EXPECT_FALSE(editor->corrections().firingPin.has_value()) << "the pin was not touched";
    if (const char* shots = std::getenv("STRIAE_UI_SHOTS")) wizard.grab().save(QString(shots) + "/intake-region.png");

    // Drag the pin's centre 20 px (widget) to the left: it moves with the mouse.
    const QPointF pin = editor->toWidget(r.pinX, r.pinY);
    const double pinX = r.pinX;
    drag(editor, pin, pin - QPointF(20, 0));
    EXPECT_LT(editor->region().pinX, pinX - 5);
    ASSERT_TRUE(editor->corrections().firingPin.has_value());

    const auto request = wizard.request();
    ASSERT_EQ(request.regionCorrections.size(), 1u);
    const auto ids = window.runIntake(request);
    ASSERT_EQ(ids.size(), 1u);
    const auto stored = records::Store::open(storePath.string());
    const auto acquisition = stored.acquisition(ids[0]);
    const auto processed = imaging::readX3p(stored.filePath(acquisition.processedSha256)).surface;
    const imaging::ProcessingStep* mask = nullptr;
    for (const auto& step : processed.history())
        if (step.name == "mask_breech_face") mask = &step;
    ASSERT_NE(mask, nullptr);
    EXPECT_EQ(mask->parameters[0].first, "primer");
    EXPECT_EQ(mask->parameters[0].second.rfind("given", 0), 0u) << mask->parameters[0].second;
    EXPECT_EQ(mask->parameters[1].second.rfind("given", 0), 0u) << mask->parameters[1].second;
    // The stored breech face lies within the corrected primer circle (6.25 µm grid after resampling).
    const double radiusUm = editor->region().primerRadius * 3.125;
    EXPECT_LT(processed.cols() * 6.25, 2 * radiusUm + 20);
}
