package com.example.sentiment.ml;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WordPiece tokenizer of a BERT-family encoder, built from its Hugging Face {@code tokenizer.json}, giving
 * the same piece ids as Hugging Face's own (Rust) tokenizer with padding and truncation off; WordPieceTokenizerTest
 * checks that against it. Written here rather than taken from DJL so that the service loads no second native
 * library for a few hundred lines of string handling.
 *
 * <p>The steps, as in the Rust library: special tokens ({@code [CLS]}, {@code [MASK]}, ...) typed in the text are
 * found first and kept whole; the rest is normalised (BERT: control characters dropped, whitespace folded,
 * Chinese ideographs spaced, accents stripped after NFD, lower-cased), split at whitespace and around each
 * punctuation character, and each word is cut greedily into the longest pieces of the vocabulary ({@code ##}
 * marks a piece that continues a word; a word that cannot be cut, or is longer than
 * {@code max_input_chars_per_word}, becomes {@code [UNK]}). The result is framed as {@code [CLS] ... [SEP]}.
 *
 * <p>Only that pipeline is understood: a file with another model, normaliser or pre-tokeniser is refused, not
 * approximated. Immutable and thread-safe.
 */
final class WordPieceTokenizer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Integer> wordStarts;
    /** Pieces that continue a word, keyed without their prefix, so that a look-up needs no concatenation. */
    private final Map<String, Integer> continuations;
    private final int vocabularySize;
    private final int unknownId;
    private final int startId;
    private final int endId;
    private final int padId;
    private final int maxCharsPerWord;
    /** Special tokens matched in the raw text, before normalisation (Hugging Face's "added tokens"). */
    private final String[] specialTexts;
    private final int[] specialIds;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    private WordPieceTokenizer(JsonNode root) {
        JsonNode model = root.path("model");
        require("WordPiece".equals(model.path("type").asString("")), "model.type must be WordPiece, not "
                + model.path("type"));
        JsonNode vocab = model.path("vocab");
        require(vocab.isObject() && !vocab.isEmpty(), "model.vocab is missing");
        String prefix = model.path("continuing_subword_prefix").asString("##");
        Map<String, Integer> starts = new HashMap<>(vocab.size() * 2);
        Map<String, Integer> continuing = new HashMap<>();
        int largest = -1;
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            int id = entry.getValue().intValue();
            largest = Math.max(largest, id);
            starts.put(entry.getKey(), id);
            if (entry.getKey().startsWith(prefix) && entry.getKey().length() > prefix.length()) {
                continuing.put(entry.getKey().substring(prefix.length()), id);
            }
        }
        this.wordStarts = starts;
        this.continuations = continuing;
        this.vocabularySize = largest + 1;
        this.unknownId = idOf(starts, model.path("unk_token").asString("[UNK]"));
        this.startId = idOf(starts, "[CLS]");
        this.endId = idOf(starts, "[SEP]");
        this.padId = idOf(starts, "[PAD]");
        this.maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);

        JsonNode normalizer = root.path("normalizer");
        require(normalizer.isNull() || normalizer.isMissingNode()
                || "BertNormalizer".equals(normalizer.path("type").asString("")),
                "normalizer.type must be BertNormalizer, not " + normalizer.path("type"));
        boolean normalise = normalizer.isObject();
        this.cleanText = normalise && normalizer.path("clean_text").asBoolean(true);
        this.chineseChars = normalise && normalizer.path("handle_chinese_chars").asBoolean(true);
        this.lowercase = normalise && normalizer.path("lowercase").asBoolean(true);
        JsonNode strip = normalizer.path("strip_accents");
        // unset means "as lowercase", as in the Rust library
        this.stripAccents = normalise && (strip.isBoolean() ? strip.booleanValue() : lowercase);

        JsonNode preTokenizer = root.path("pre_tokenizer");
        require("BertPreTokenizer".equals(preTokenizer.path("type").asString("")),
                "pre_tokenizer.type must be BertPreTokenizer, not " + preTokenizer.path("type"));

        List<String> texts = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (JsonNode added : root.path("added_tokens")) {
            String content = added.path("content").asString("");
            require(!content.isEmpty() && !added.path("normalized").asBoolean(false)
                    && !added.path("single_word").asBoolean(false) && !added.path("lstrip").asBoolean(false)
                    && !added.path("rstrip").asBoolean(false),
                    "added token " + added + " is not supported (only whole, non-normalised tokens)");
            texts.add(content);
            ids.add(added.path("id").intValue());
        }
        this.specialTexts = texts.toArray(String[]::new);
        this.specialIds = ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json}.
     *
     * @throws IllegalArgumentException when it is not JSON or describes another tokenizer than BERT's WordPiece
     */
    static WordPieceTokenizer read(InputStream json) throws IOException {
        try {
            return new WordPieceTokenizer(JSON.readTree(json));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** One more than the largest piece id: the rows of the encoder's embedding table. */
    int vocabularySize() {
        return vocabularySize;
    }

    int padId() {
        return padId;
    }

    int startId() {
        return startId;
    }

    int endId() {
        return endId;
    }

    /**
     * The piece ids of {@code text}, framed as {@code [CLS] ... [SEP]}; past {@code maxPieces} the first
     * {@code maxPieces - 1} are kept and {@code [SEP]} ends them.
     *
     * @throws IllegalArgumentException when {@code maxPieces} leaves no room for the two markers
     */
    int[] encode(String text, int maxPieces) {
        if (maxPieces < 2) {
            throw new IllegalArgumentException("maxPieces must be at least 2 ([CLS] and [SEP]), not " + maxPieces);
        }
        Pieces pieces = new Pieces(maxPieces - 1);
        pieces.add(startId);
        int from = 0;
        int n = text.length();
        // where each special token next occurs at or after `from` (n when it does not), found again only once passed
        int[] next = new int[specialTexts.length];
        Arrays.fill(next, -1);
        while (from < n && !pieces.full()) {
            int special = -1;
            int at = n;
            for (int s = 0; s < specialTexts.length; s++) {
                if (next[s] < from) {
                    int found = text.indexOf(specialTexts[s], from);
                    next[s] = found < 0 ? n : found;
                }
                // leftmost, and the longest of those starting there
                if (next[s] < at || next[s] == at && at < n && specialTexts[s].length() > specialTexts[special].length()) {
                    at = next[s];
                    special = s;
                }
            }
            splitWords(normalise(text.substring(from, at)), pieces);
            if (special >= 0) {
                pieces.add(specialIds[special]);
                from = at + specialTexts[special].length();
            } else {
                from = n;
            }
        }
        pieces.add(endId);
        return pieces.toArray();
    }

    /** BERT's normaliser, in its order: clean, space Chinese ideographs, strip accents, lower-case. */
    private String normalise(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    continue;
                }
                if (isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (chineseChars && isChineseIdeograph(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        }
        String s = cleaned.toString();
        if (stripAccents && !Normalizer.isNormalized(s, Normalizer.Form.NFD)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
        }
        if (!stripAccents && !lowercase) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (stripAccents && Character.getType(cp) == Character.NON_SPACING_MARK) {
                continue;
            }
            if (!lowercase) {
                out.appendCodePoint(cp);
            } else if (cp == 0x130) {
                // the one unconditional one-to-many lower-case mapping (Rust's char::to_lowercase applies it;
                // Character.toLowerCase gives the simple mapping): I with dot above -> i + combining dot above
                out.append("i\u0307");
            } else {
                // per character, as Rust does: String.toLowerCase would turn a word-final sigma into a final one
                out.appendCodePoint(Character.toLowerCase(cp));
            }
        }
        return out.toString();
    }

    /** BERT's pre-tokeniser: words end at whitespace (dropped) and around each punctuation character (kept alone). */
    private void splitWords(String text, Pieces pieces) {
        int wordStart = -1;
        for (int i = 0; i < text.length() && !pieces.full(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = isWhitespace(cp);
            if (space || isPunctuation(cp)) {
                if (wordStart >= 0) {
                    cutWord(text.substring(wordStart, i), pieces);
                    wordStart = -1;
                }
                if (!space) {
                    cutWord(text.substring(i, next), pieces);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            cutWord(text.substring(wordStart), pieces);
        }
    }

    /** Greedy longest-match-first WordPiece; a word with a part no piece matches is one {@code [UNK]}. */
    private void cutWord(String word, Pieces pieces) {
        if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
            pieces.add(unknownId);
            return;
        }
        int mark = pieces.size();
        int start = 0;
        while (start < word.length()) {
            Map<String, Integer> table = start == 0 ? wordStarts : continuations;
            int end = word.length();
            Integer id = null;
            while (end > start) {
                id = table.get(word.substring(start, end));
                if (id != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id == null) {
                pieces.truncate(mark);
                pieces.add(unknownId);
                return;
            }
            pieces.add(id);
            start = end;
        }
    }

    /** Cc, Cf, Cn, Co and Cs (Rust's {@code is_other}), except tab, line feed and carriage return. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    /** Unicode's White_Space property (Rust's {@code char::is_whitespace}), which Character.isWhitespace is not. */
    static boolean isWhitespace(int cp) {
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** ASCII punctuation (symbols such as {@code $ + < = > ^ ` |} included) or any Unicode P* character. */
    private static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK ideograph blocks BERT spaces out (the Rust library's ranges, its 0x2B920 start included). */
    private static boolean isChineseIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    private static int idOf(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        require(id != null, "the vocabulary has no " + token);
        return id;
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("Unsupported tokenizer.json: " + problem);
        }
    }

    /** The ids collected so far; stops taking content once it has {@code limit} ids, so long texts stop early. */
    private static final class Pieces {
        private final int limit;
        private int[] ids = new int[32];
        private int size;

        Pieces(int limit) {
            this.limit = limit;
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        boolean full() {
            return size >= limit;
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        /** The ids with the end marker last, those past the limit dropped. */
        int[] toArray() {
            if (size <= limit + 1) {
                return Arrays.copyOf(ids, size);
            }
            int[] kept = Arrays.copyOf(ids, limit + 1);
            kept[limit] = ids[size - 1];
            return kept;
        }
    }
}
