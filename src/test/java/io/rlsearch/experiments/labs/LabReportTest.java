package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every way a lab's figure is set beside the book's: the verdict on each side of its comparison (rounding to
 * the book's decimals, an absolute tolerance at and beyond its edge, key by key, element by element), the
 * exact wording of a miss, and what each method records (figure, book value, source, verdict). The expected
 * strings are written out by hand from the rules in LabReport's documentation. Each method returns the report
 * itself, for chaining.
 */
class LabReportTest {
  private static final String SRC = "docs/book/chXX/somewhere.md";

  @Test
  void anEmptyReportHasItsNameAndNothingElseAndVacuouslyMatches() {
    LabReport r = new LabReport("ch99-empty");
    assertEquals("ch99-empty", r.lab());
    assertTrue(r.figures().isEmpty() && r.book().isEmpty() && r.match().isEmpty() && r.sources().isEmpty());
    assertTrue(r.notes().isEmpty());
    assertTrue(r.allMatch());
    assertEquals("match", LabReport.MATCH);
  }

  @Test
  void decimalsMatchesWhenBothRoundToTheSameAndStatesTheRoundedValuesWhenNot() {
    LabReport r = new LabReport("t");
    // 1.6152... and 1.62 both print as 1.62 to two decimals; 1.6149 prints as 1.61.
    assertSame(r, r.decimals("p", 1.6152512456630115, 1.62, 2, SRC));
    r.decimals("q", 1.6149, 1.62, 2, SRC);
    assertSame(r, r.decimals("w", 1.6149, 1.62, 2, SRC, "the book rounds up"));
    assertEquals(LabReport.MATCH, r.match().get("p"));
    assertEquals("ours 1.61 against the book's 1.62", r.match().get("q"));
    assertEquals("ours 1.61 against the book's 1.62: the book rounds up", r.match().get("w"));
    assertEquals(1.6152512456630115, r.figures().get("p"));
    assertEquals(1.62, r.book().get("q"));
    assertEquals(SRC, r.sources().get("w"));
    assertFalse(r.allMatch());
  }

  @Test
  void decimalsComparesThePrintedFormsNotTheDistance() {
    LabReport r = new LabReport("t");
    // 0.125 and 0.1251 are 1e-4 apart yet print differently (0.12 half to even, 0.13); 0.1151 and 0.124 print alike (0.12).
    r.decimals("apart", 0.125, 0.1251, 2, SRC);
    r.decimals("alike", 0.1151, 0.124, 2, SRC);
    assertEquals("ours 0.12 against the book's 0.13", r.match().get("apart"));
    assertEquals(LabReport.MATCH, r.match().get("alike"));
  }

  @Test
  void withinIsInclusiveAtTheToleranceAndSaysByHowMuchItMisses() {
    LabReport r = new LabReport("t");
    assertSame(r, r.within("edge", 1.5, 1.0, 0.5, SRC, null)); // |1.5 - 1.0| = 0.5 exactly (binary-exact values)
    r.within("below", 0.5, 1.0, 0.5, SRC, null);
    r.within("over", 1.25, 1.0, 0.125, SRC, null);
    r.within("under", 0.75, 1.0, 0.125, SRC, "a shorter run");
    assertEquals(LabReport.MATCH, r.match().get("edge"));
    assertEquals(LabReport.MATCH, r.match().get("below"));
    assertEquals("ours 1.250 against the book's 1.000 (tolerance 0.125)", r.match().get("over"));
    assertEquals("ours 0.7500 against the book's 1.000 (tolerance 0.125): a shorter run", r.match().get("under"));
    assertEquals(0.75, r.figures().get("under"));
    assertEquals(1.0, r.book().get("under"));
    assertEquals(SRC, r.sources().get("under"));
  }

  @Test
  void withinAllListsEveryMissingOrDistantKeyAndIgnoresKeysOnlyOursHas() {
    Map<String, Double> book = new LinkedHashMap<>();
    book.put("a", 1.0);
    book.put("b", 2.0);
    book.put("c", 3.0);
    Map<String, Double> ours = new LinkedHashMap<>();
    ours.put("a", 1.5); // at the edge of 0.5
    ours.put("b", 2.75); // 0.75 away
    ours.put("extra", 99.0); // the book has no "extra": not a miss
    LabReport r = new LabReport("t");
    assertSame(r, r.withinAll("m", ours, book, 0.5, SRC, null));
    r.withinAll("why", ours, book, 0.5, SRC, "two segments");
    assertEquals("b: ours 2.750 against 2.000; c: ours none against 3.000 (tolerance 0.500)", r.match().get("m"));
    assertEquals("b: ours 2.750 against 2.000; c: ours none against 3.000 (tolerance 0.500): two segments",
        r.match().get("why"));
    ours.put("b", 2.25);
    ours.put("c", 2.5);
    r.withinAll("ok", ours, book, 0.5, SRC, "unused");
    assertEquals(LabReport.MATCH, r.match().get("ok"));
    assertEquals(book, r.book().get("ok"));
    assertEquals(ours, r.figures().get("ok"));
    assertEquals(SRC, r.sources().get("ok"));
    // the report keeps copies: changing the caller's map afterwards changes nothing reported
    ours.put("a", -1.0);
    assertEquals(1.5, ((Map<?, ?>) r.figures().get("ok")).get("a"));
  }

  @Test
  void decimalsAllNamesEachDifferingPositionFromOneAndCountsMissingOnesAsDiffering() {
    LabReport r = new LabReport("t");
    assertSame(r, r.decimalsAll("same", new double[] {1.004, 2.0}, new double[] {1.0, 2.001}, 2, SRC));
    r.decimalsAll("second", new double[] {1.0, 2.0, 3.0}, new double[] {1.0, 2.5, 3.0}, 2, SRC);
    r.decimalsAll("shortOurs", new double[] {1.0}, new double[] {1.0, 2.0, 3.0}, 2, SRC);
    r.decimalsAll("shortBook", new double[] {1.0, 2.0}, new double[] {9.0}, 2, SRC);
    assertEquals(LabReport.MATCH, r.match().get("same"));
    assertEquals("differs at #2", r.match().get("second"));
    assertEquals("differs at #2, #3", r.match().get("shortOurs"));
    assertEquals("differs at #1, #2", r.match().get("shortBook"));
    assertEquals(List.of(1.004, 2.0), r.figures().get("same"));
    assertEquals(List.of(1.0, 2.001), r.book().get("same"));
    assertEquals(List.of(1.0), r.figures().get("shortOurs"));
    assertEquals(List.of(1.0, 2.0, 3.0), r.book().get("shortOurs"));
    assertEquals(List.of(1.0, 2.0), r.figures().get("shortBook"));
    assertEquals(List.of(9.0), r.book().get("shortBook"));
    assertEquals(SRC, r.sources().get("shortBook"));
  }

  @Test
  void representativeReportsBothAndSaysThereIsNothingToMatch() {
    LabReport r = new LabReport("t");
    assertSame(r, r.representative("x", 3.0, 4.0, SRC));
    assertEquals("no recorded run: the book's value is representative; ours is reported", r.match().get("x"));
    assertEquals(3.0, r.figures().get("x"));
    assertEquals(4.0, r.book().get("x"));
    assertEquals(SRC, r.sources().get("x"));
    assertFalse(r.allMatch());
  }

  @Test
  void oursRecordsOnlyTheFigureAndPutWithoutSourceRecordsNoSource() {
    LabReport r = new LabReport("t");
    assertSame(r, r.ours("mine", 7));
    assertSame(r, r.put("bare", 1, null, null, LabReport.MATCH));
    assertEquals(Map.of("mine", 7, "bare", 1), r.figures());
    assertFalse(r.book().containsKey("mine"));
    assertTrue(r.book().containsKey("bare"));
    assertNull(r.book().get("bare"));
    assertEquals(Map.of("bare", LabReport.MATCH), r.match());
    assertTrue(r.sources().isEmpty());
    assertTrue(r.allMatch());
    r.put("other", 2, 3, SRC, "ours differs");
    assertFalse(r.allMatch());
    assertEquals(List.of("mine", "bare", "other"), List.copyOf(r.figures().keySet()));
  }

  @Test
  void notesKeepTheirOrderAndTheViewsAreReadOnly() {
    LabReport r = new LabReport("t");
    assertSame(r, r.note("first"));
    r.note("second");
    assertEquals(List.of("first", "second"), r.notes());
    assertThrows(UnsupportedOperationException.class, () -> r.notes().add("x"));
    assertThrows(UnsupportedOperationException.class, () -> r.figures().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> r.book().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> r.match().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> r.sources().put("x", "y"));
  }

  @Test
  void roundingIsPythonsHalfToEvenOnTheExactBinaryValue() {
    // exact binary halves go to the even neighbour, as Python's format('.2f') does
    assertEquals("0.12", LabReport.round(0.125, 2));
    assertEquals("0.38", LabReport.round(0.375, 2));
    assertEquals("2", LabReport.round(2.5, 0));
    assertEquals("4", LabReport.round(3.5, 0));
    assertEquals("-1.2", LabReport.round(-1.25, 1));
    assertEquals("-0.61", LabReport.round(-0.615, 2)); // -0.615 is -0.61499999... in binary: Python prints -0.61
    assertEquals("-16.734", LabReport.round(-16.734015656001826, 3));
    assertEquals("0.00", LabReport.round(-0.001, 2)); // Python prints -0.00; the report drops the sign of a zero
    assertEquals("1.000", LabReport.round(1, 3));
  }
}
