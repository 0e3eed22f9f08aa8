/**
 * Logged bandit data read from files: the Open Bandit Dataset layout ({@link ObdDataset}) and a
 * small generic layout for a team's own logs ({@link TeamLog}), as CSV or JSON Lines.
 *
 * <p>Pure reading: no estimators, no actors, no clock. A row that cannot be used is never dropped
 * silently: it is counted in {@link BadRows} with its file and line number. A header that does not
 * match the layout is one {@link LogFormatException} naming the file, the column and what is
 * expected. The layouts are described, with a sample line each, in {@code docs/logged-data.md}.
 */
package io.rlsearch.eval.logs;
