package com.example.sentiment.ml;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one tokenizer of the service, used identically when training and when classifying.
 *
 * <p>It lower-cases, is Unicode-aware (letters and digits of any script, combining marks stay inside
 * their word), splits punctuation from words and splits English contractions the Penn Treebank way
 * ({@code doesn't -> does n't}, {@code film's -> film 's}), so that text typed by a person and corpora
 * that were already tokenised that way (such as the Stanford Sentiment Treebank) give the same tokens.
 * It is a single left-to-right scan: no regular expressions, so no back-tracking on hostile input.
 */
public final class Tokenizer {

    private static final Set<String> CLITICS = Set.of("'s", "'re", "'ve", "'ll", "'d", "'m");
    private static final String NOT_CLITIC = "n't";

    /** Splits text into lower-case tokens; an empty or blank text gives no tokens. */
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return tokens;
        }
        String s = normalise(text);
        int n = s.length();
        // a word is always a run of s, so it is cut out with substring instead of being copied char by char
        int wordStart = -1;
        boolean apostrophe = false;
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            boolean inWord = wordStart >= 0;
            if (isWordChar(cp) || (inWord && isMark(cp))) {
                wordStart = inWord ? wordStart : i;
            } else if (cp == '\'' && nextIsLetter(s, i + 1)) {
                // inside a word ("doesn't", "o'neil") or a clitic that was already split off ("'s")
                wordStart = inWord ? wordStart : i;
                apostrophe = true;
            } else if (!(isJoiner(cp) && inWord && joins(cp, s, i))) {
                if (inWord) {
                    flushWord(s.substring(wordStart, i), apostrophe, tokens);
                    wordStart = -1;
                    apostrophe = false;
                }
                if (Character.isWhitespace(cp) || Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                    i += len;
                    continue;
                }
                // runs of these are one token in treebank text ("...", "--", "``", "''")
                int end = i + len;
                if (cp == '.' || cp == '-' || cp == '`' || cp == '\'') {
                    while (end < n && s.charAt(end) == cp) {
                        end++;
                    }
                }
                tokens.add(normalisePunctuation(s.substring(i, end)));
                i = end;
                continue;
            }
            i += len;
        }
        if (wordStart >= 0) {
            flushWord(s.substring(wordStart), apostrophe, tokens);
        }
        return tokens;
    }

    private static String normalise(String text) {
        String s = text;
        if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        // typographic apostrophes are the same apostrophe to a reader
        return s.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u02bc', '\'').toLowerCase(Locale.ROOT);
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp);
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean nextIsLetter(String s, int i) {
        return i < s.length() && Character.isLetter(s.codePointAt(i));
    }

    private static boolean isJoiner(int cp) {
        return cp == '-' || cp == '.' || cp == ',';
    }

    /** A hyphen joins letters or digits ("re-imagining"); a dot or comma only joins digits ("1.5", "10,000"). */
    private static boolean joins(int cp, String s, int i) {
        if (i + 1 >= s.length()) {
            return false;
        }
        int next = s.codePointAt(i + 1);
        int prev = s.codePointBefore(i);
        if (cp == '-') {
            return Character.isLetterOrDigit(prev) && Character.isLetterOrDigit(next);
        }
        return Character.isDigit(prev) && Character.isDigit(next);
    }

    private static String normalisePunctuation(String token) {
        return switch (token) {
            case "``", "''", "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb" -> "\"";
            case "\u2026" -> "...";
            case "\u2013", "\u2014" -> "--";
            default -> token;
        };
    }

    /** Adds a word, splitting off clitics and opening quotes, which only a word with an apostrophe has. */
    private static void flushWord(String w, boolean hasApostrophe, List<String> tokens) {
        if (!hasApostrophe) {
            tokens.add(w);
            return;
        }
        if (w.charAt(0) == '\'' && !CLITICS.contains(w) && !w.equals("'n")) {
            // a quote opening a word ('hello), not a clitic
            tokens.add("'");
            w = w.substring(1);
        }
        if (w.length() > NOT_CLITIC.length() && w.endsWith(NOT_CLITIC)) {
            tokens.add(w.substring(0, w.length() - NOT_CLITIC.length()));
            tokens.add(NOT_CLITIC);
            return;
        }
        int apostrophe = w.lastIndexOf('\'');
        if (apostrophe > 0 && CLITICS.contains(w.substring(apostrophe))) {
            tokens.add(w.substring(0, apostrophe));
            tokens.add(w.substring(apostrophe));
            return;
        }
        tokens.add(w);
    }
}
