// The comparison view and the 3D view driven as an examiner drives them:
// synthesized mouse drags and wheel notches on the real widgets in a shown
// window (Xvfb in scripts/test). Both sides of a comparison must move
// together, the process must live, and the split view must show the compared
// scan right of the line.
#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QImage>
#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>
#include <cstdlib>

#include "TestData.h"
#include "UiDriving.h"
#include "UiTestStore.h"
#include "striae/imaging/Preprocess.h"
#include "striae/records/Store.h"
#include "striae/imaging/Synthetic.h"
#include "striae/matching/Cmc.h"
#include "striae/ui/ComparisonPanel.h"
#include "striae/ui/SurfacePanel.h"
#include "striae/viewer3d/SurfaceScene.h"
#include "striae/viewer3d/VtkView.h"

using namespace striae;
using namespace striae::test;

namespace {

double distance(const viewer3d::SurfaceScene::CameraPose& a, const viewer3d::SurfaceScene::CameraPose& b) {
    double d = 0;
    for (int i = 0; i < 3; ++i) d += std::pow(a.position[i] - b.position[i], 2);
    return std::sqrt(d);
}

// Mean absolute difference of two grabs in a rectangle given in fractions of the image.
double change(const QImage& a, const QImage& b, double x0, double x1) {
    const QImage p = a.convertToFormat(QImage::Format_RGB32), q = b.convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    int n = 0;
    for (int y = p.height() / 4; y < p.height() * 3 / 4; y += 2)
        for (int x = int(p.width() * x0); x < int(p.width() * x1); x += 2) {
            sum += std::abs(qGray(p.pixel(x, y)) - qGray(q.pixel(x, y)));
            ++n;
        }
    return n ? sum / n : 0;
}

struct Pair {
    imaging::Surface a, b;
    matching::CmcResult result;
};

Pair pairOfShots() {
    imaging::SynthOptions o;
    o.sizePx = 220;
    o.seed = 12;
    Pair p{imaging::synthesizeShot(o, 1, 1), imaging::synthesizeShot(o, 1, 2), {}};
    p.result = matching::compareCmc(p.a, p.b);
    return p;
}

// A comparison of two shots of one gun in a shown window, drawn.
void showPairOfShots(ui::ComparisonPanel& panel) {
    const Pair p = pairOfShots();
    panel.resize(1200, 640);
    panel.show();
    panel.showComparison(p.a, p.b, p.result, "reference", "compared");
    settle(400);
}

// One synthetic shot in a shown 3D view, drawn.
void showShot(ui::SurfacePanel& panel) {
    imaging::SynthOptions o;
    o.sizePx = 160;
    panel.resize(900, 600);
    panel.show();
    panel.showSurface(imaging::synthesizeShot(o, 1, 1), "scan");
    settle(400);
}

}  // namespace

TEST(ComparisonMouse, DragAndWheelInBothViewsMoveBothTogether) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::ComparisonPanel panel;
    showPairOfShots(panel);
    const auto views = panel.findChildren<viewer3d::VtkView*>();
    ASSERT_EQ(views.size(), 2);
    viewer3d::VtkView* left = views[0];
    viewer3d::VtkView* right = views[1];
    ASSERT_TRUE(left->isVisible() && right->isVisible());

    auto before = panel.referenceScene()->camera();
    QImage leftBefore = left->grabFramebuffer(), rightBefore = right->grabFramebuffer();
    drag(left, {left->width() * 0.3, left->height() * 0.5}, {left->width() * 0.7, left->height() * 0.35});
    auto after = panel.referenceScene()->camera();
    EXPECT_GT(distance(before, after), 1.0) << "the drag turned the camera";
    EXPECT_LT(distance(panel.comparedScene()->camera(), after), 1e-9) << "both sides look through one camera";
    EXPECT_GT(change(leftBefore, left->grabFramebuffer(), 0.2, 0.8), 2.0) << "the left view redrew turned";
    EXPECT_GT(change(rightBefore, right->grabFramebuffer(), 0.2, 0.8), 2.0) << "the right view followed";

    // Now the other way round, from the right view, then the wheel in each.
    before = after;
    leftBefore = left->grabFramebuffer();
    drag(right, {right->width() * 0.6, right->height() * 0.6}, {right->width() * 0.4, right->height() * 0.3});
    after = panel.comparedScene()->camera();
    EXPECT_GT(distance(before, after), 1.0);
    EXPECT_LT(distance(panel.referenceScene()->camera(), after), 1e-9);
    EXPECT_GT(change(leftBefore, left->grabFramebuffer(), 0.2, 0.8), 2.0) << "the left view followed the right";
    for (viewer3d::VtkView* v : {left, right}) {
        before = panel.referenceScene()->camera();
        wheel(v, {v->width() / 2.0, v->height() / 2.0}, 3);
        EXPECT_GT(distance(before, panel.referenceScene()->camera()), 1.0) << "three wheel notches zoomed";
        EXPECT_FALSE(panel.referenceScene()->interacting()) << "still again: the full mesh";
    }
    EXPECT_TRUE(panel.isVisible()) << "alive after drags and wheel notches in both views";
}

TEST(ComparisonMouse, TheSplitViewShowsTheComparedScanRightOfTheLine) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::ComparisonPanel panel;
    showPairOfShots(panel);
    const auto views = panel.findChildren<viewer3d::VtkView*>();
    ASSERT_EQ(views.size(), 2);
    viewer3d::VtkView* left = views[0];
    const QImage alone = left->grabFramebuffer();
    const int bothWidths = left->width() + views[1]->width();
    QCheckBox* split = nullptr;
    for (auto* box : panel.findChildren<QCheckBox*>())
        if (box->text().contains("Split")) split = box;
    ASSERT_NE(split, nullptr);
    click(split);  // with the mouse, as the examiner does
    ASSERT_TRUE(split->isChecked());
    settle(400);
    EXPECT_FALSE(views[1]->isVisible()) << "one view in split mode";
    EXPECT_GT(left->width(), bothWidths * 0.95) << "the split view takes the width of both";
    const QImage both = left->grabFramebuffer();
    both.save("/tmp/split-ui.png");
    // The view is wider now (the right view hid): compare by the scan's place, the middle of the view.
    const QImage a = alone.scaled(both.size());
    EXPECT_GT(change(a, both, 0.55, 0.70), 4.0) << "right of the line: the compared scan, not the reference";
    // Drag in split mode too: it turns, and the process lives.
    const auto before = panel.referenceScene()->camera();
    drag(left, {left->width() * 0.4, left->height() * 0.5}, {left->width() * 0.6, left->height() * 0.5});
    EXPECT_GT(distance(before, panel.referenceScene()->camera()), 1.0);
    click(split);
    EXPECT_TRUE(views[1]->isVisible());
}

TEST(ComparisonMouse, TheThreeDViewTurnsAndZoomsWithTheMouse) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::SurfacePanel panel;
    showShot(panel);
    const auto views = panel.findChildren<viewer3d::VtkView*>();
    ASSERT_EQ(views.size(), 1);
    viewer3d::VtkView* v = views[0];
    const auto pose = v->scene()->camera();
    const QImage before = v->grabFramebuffer();
    drag(v, {v->width() * 0.3, v->height() * 0.5}, {v->width() * 0.6, v->height() * 0.3});
    wheel(v, {v->width() / 2.0, v->height() / 2.0}, -2);
    EXPECT_GT(distance(pose, v->scene()->camera()), 1.0);
    EXPECT_GT(change(before, v->grabFramebuffer(), 0.2, 0.8), 2.0);
}

// Annotation with the mouse: "Pin a note…", shift+click on the surface, type the note;
// it is kept in the store (audited) and drawn as a pin.
TEST(ComparisonMouse, APinnedNoteIsKeptInTheStore) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    test::TempDir dir;
    std::vector<records::Id> acquisitions;
    auto store = test::makeStoreWithScans(dir / "store", dir / "scans", 1, 1, 160, {"F01-01.x3p"}, &acquisitions);
    const auto examiner = store.authenticate("eve", "exam-password");
    ui::SurfacePanel panel;
    panel.resize(1000, 640);
    panel.show();
    panel.showSurface(store.readScan(store.acquisition(acquisitions[0]).processedSha256).surface, "scan");
    panel.setAnnotationContext(&store, examiner, acquisitions[0]);
    settle(300);
    auto* pin = panel.findChild<QPushButton*>("pinMode");
    ASSERT_TRUE(pin && pin->isEnabled());
    click(pin);
    ASSERT_TRUE(pin->isChecked());
    viewer3d::VtkView* v = panel.findChildren<viewer3d::VtkView*>().at(0);
    const QImage before = v->grabFramebuffer();
    QTimer::singleShot(150, [] {
        auto* dialog = QApplication::activeModalWidget();
        ASSERT_NE(dialog, nullptr) << "the note dialog";
        auto* text = dialog->findChild<QPlainTextEdit*>();
        ASSERT_NE(text, nullptr);
        text->setFocus();
        for (const QChar ch : QString("breech-face mark at 3 o'clock")) {
            QKeyEvent key(QEvent::KeyPress, 0, Qt::NoModifier, QString(ch));
            QApplication::sendEvent(text, &key);
        }
        for (auto* b : dialog->findChildren<QPushButton*>())
            if (b->text().contains("OK")) click(b);
    });
    const QPointF centre(v->width() / 2.0 + 30, v->height() / 2.0 + 60);  // on the breech face, off the firing pin
    QMouseEvent press(QEvent::MouseButtonPress, centre, v->mapToGlobal(centre), Qt::LeftButton, Qt::LeftButton, Qt::ShiftModifier);
    QApplication::sendEvent(v, &press);
    QMouseEvent release(QEvent::MouseButtonRelease, centre, v->mapToGlobal(centre), Qt::LeftButton, Qt::NoButton, Qt::ShiftModifier);
    QApplication::sendEvent(v, &release);
    settle(300);
    const auto notes = store.annotationsOf(acquisitions[0]);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].note, "breech-face mark at 3 o'clock");
    EXPECT_EQ(notes[0].createdBy, examiner.id);
    EXPECT_GT(notes[0].xUm, 0);
    EXPECT_EQ(store.auditTrail("acquisition", acquisitions[0]).back().action, "annotate");
    EXPECT_TRUE(panel.findChild<QLabel*>("pins")->text().contains("3 o'clock"));
    EXPECT_GT(change(before, v->grabFramebuffer(), 0.3, 0.7), 0.05) << "the pin is drawn";
    EXPECT_FALSE(pin->isChecked()) << "one pin per click of the button";
}

// Zoom to the cursor: wheel notches over one side of the surface bring that side toward the centre.
TEST(ComparisonMouse, TheWheelZoomsTowardTheCursor) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::SurfacePanel panel;
    showShot(panel);
    viewer3d::VtkView* v = panel.findChildren<viewer3d::VtkView*>().at(0);
    const auto before = v->scene()->camera();
    wheel(v, {v->width() * 0.62, v->height() * 0.5}, 4);  // right of the centre, on the surface
    const auto after = v->scene()->camera();
    EXPECT_GT(after.focalPoint[0], before.focalPoint[0] + 1.0) << "the view moved toward the cursor (right)";
    EXPECT_NEAR(after.focalPoint[1], before.focalPoint[1], std::abs(after.focalPoint[0] - before.focalPoint[0])) << "mostly sideways";
}

// Clicking a cell selects it and its partner on the other side, with its correlation.
TEST(ComparisonMouse, ClickingACellShowsItsPartnerAndCorrelation) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::ComparisonPanel panel;
    showPairOfShots(panel);
    viewer3d::VtkView* left = panel.findChildren<viewer3d::VtkView*>().at(0);
    EXPECT_EQ(panel.selectedCell(), -1);
    const QImage before = left->grabFramebuffer();
    // A click on the breech face, away from the firing pin in the middle.
    const QPointF at(left->width() * 0.5, left->height() * 0.33);
    mouse(left, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
    mouse(left, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    settle(300);
    ASSERT_GE(panel.selectedCell(), 0) << "a cell under the click";
    if (std::getenv("STRIAE_SAVE_GRABS")) panel.grab().save("/tmp/cell-selected.png");
    QString summary;
    for (auto* l : panel.findChildren<QLabel*>())
        if (l->text().contains("CMCs")) summary = l->text();
    EXPECT_TRUE(summary.contains("Cell row") && summary.contains("correlation")) << summary.toStdString();
    EXPECT_GT(change(before, left->grabFramebuffer(), 0.2, 0.8), 0.05) << "the selected cell is drawn";
}

// Zoom to a drawn rectangle: Ctrl+drag around a part of the surface; it then fills the view.
TEST(ComparisonMouse, CtrlDragZoomsToTheDrawnRectangle) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::SurfacePanel panel;
    showShot(panel);
    viewer3d::VtkView* v = panel.findChildren<viewer3d::VtkView*>().at(0);
    const double barBefore = [&] { v->grabFramebuffer(); return v->scene()->scaleBarMicrometres(); }();
    const QPointF from(v->width() * 0.55, v->height() * 0.30), to(v->width() * 0.75, v->height() * 0.45);
    QMouseEvent press(QEvent::MouseButtonPress, from, v->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton, Qt::ControlModifier);
    QApplication::sendEvent(v, &press);
    for (int i = 1; i <= 8; ++i) {
        const QPointF at = from + (to - from) * (i / 8.0);
        QMouseEvent move(QEvent::MouseMove, at, v->mapToGlobal(at), Qt::NoButton, Qt::LeftButton, Qt::ControlModifier);
        QApplication::sendEvent(v, &move);
    }
    QMouseEvent release(QEvent::MouseButtonRelease, to, v->mapToGlobal(to), Qt::LeftButton, Qt::NoButton, Qt::ControlModifier);
    QApplication::sendEvent(v, &release);
    settle(300);
    v->grabFramebuffer();  // a frame at the new zoom: the scale bar follows it
    const double barAfter = v->scene()->scaleBarMicrometres();
    EXPECT_LT(barAfter, barBefore / 2) << "zoomed in by about the rectangle's size (bar " << barBefore << " -> " << barAfter << " µm)";
}

// Notes pinned on either scan show on both sides of a comparison.
TEST(ComparisonMouse, PinsShowOnBothSidesOfAComparison) {
    if (!std::getenv("DISPLAY")) GTEST_SKIP() << "no X display (scripts/test runs this under Xvfb)";
    ui::ComparisonPanel panel;
    showPairOfShots(panel);
    const auto views = panel.findChildren<viewer3d::VtkView*>();
    const QImage leftBefore = views[0]->grabFramebuffer(), rightBefore = views[1]->grabFramebuffer();
    panel.setPins({{60, 60}, {160, 150}}, {{60, 60}});
    settle(200);
    EXPECT_GT(change(leftBefore, views[0]->grabFramebuffer(), 0.0, 1.0), 0.02);
    EXPECT_GT(change(rightBefore, views[1]->grabFramebuffer(), 0.0, 1.0), 0.01);
}
