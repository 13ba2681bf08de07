package dev.imagine.engine.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the files of a Hugging Face CLIP tokenizer folder; every error names the file. */
final class TokenizerFiles {
    static final String VOCAB = "vocab.json";
    static final String MERGES = "merges.txt";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String FOLDER_CONTENTS = "a tokenizer folder must contain " + VOCAB + " and " + MERGES
            + " (" + TOKENIZER_CONFIG + " and " + SPECIAL_TOKENS_MAP + " are optional)";

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of merges.txt: the pair to merge and its 1-based line number. */
    record Merge(String first, String second, int line) {
    }

    /** The optional settings of a tokenizer folder. */
    record Settings(Optional<String> padToken, String padSource, int maxLength, List<String> specialTokens) {
    }

    private TokenizerFiles() {
    }

    /** Token to id; ids are non-negative and unique. */
    static Map<String, Integer> readVocab(Path file) throws IOException {
        JsonNode root = readJson(requireFile(file));
        if (!root.isObject()) {
            throw new IOException(file + " must be a JSON object mapping tokens to ids");
        }
        Map<String, Integer> vocab = new HashMap<>(root.size() * 2);
        Map<Integer, String> byId = new HashMap<>(root.size() * 2);
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode value = field.getValue();
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw new IOException(file + ": the id of token '" + field.getKey()
                        + "' must be a non-negative integer, not " + value);
            }
            String previous = byId.put(value.intValue(), field.getKey());
            if (previous != null) {
                throw new IOException(file + ": tokens '" + previous + "' and '" + field.getKey()
                        + "' share the id " + value.intValue());
            }
            vocab.put(field.getKey(), value.intValue());
        }
        return vocab;
    }

    /**
     * The merges in priority order; blank lines and {@code #version} headers are skipped. A file without any
     * merge is refused: without merges every word falls apart into single bytes, so the model would see nonsense.
     */
    static List<Merge> readMerges(Path file) throws IOException {
        List<Merge> merges = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(requireFile(file), StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#version")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                if (parts.length != 2) {
                    throw new IOException(file + " line " + lineNumber + ": expected two symbols separated by a"
                            + " space, found '" + line + "'");
                }
                merges.add(new Merge(parts[0], parts[1], lineNumber));
            }
        }
        if (merges.isEmpty()) {
            throw new IOException(file + " has no merges (it is empty or holds only a header); a CLIP tokenizer's "
                    + MERGES + " lists one symbol pair per line, so copy it again from the model's tokenizer folder");
        }
        return merges;
    }

    /**
     * The pad token ({@code pad_token} of special_tokens_map.json, else of tokenizer_config.json) and the
     * maximum length ({@code model_max_length} of tokenizer_config.json; absent or absurd values give
     * {@code defaultMaxLength}).
     */
    static Settings readSettings(Path folder, int defaultMaxLength, int longestMaxLength) throws IOException {
        Path specialTokens = folder.resolve(SPECIAL_TOKENS_MAP);
        Path config = folder.resolve(TOKENIZER_CONFIG);
        JsonNode specialRoot = readOptionalObject(specialTokens);
        JsonNode configRoot = readOptionalObject(config);

        Optional<String> pad = tokenName(specialRoot, "pad_token", specialTokens);
        String padSource = specialTokens.toString();
        if (pad.isEmpty()) {
            pad = tokenName(configRoot, "pad_token", config);
            padSource = config.toString();
        }

        int maxLength = defaultMaxLength;
        JsonNode length = configRoot.path("model_max_length");
        if (!length.isMissingNode() && !length.isNull()) {
            if (length.isNumber() && length.canConvertToExactIntegral() && length.canConvertToInt()
                    && length.intValue() >= 2 && length.intValue() <= longestMaxLength) {
                maxLength = length.intValue();
            } else {
                LOG.warn("{}: model_max_length {} is not a usable length (2..{}); using {}", config, length,
                        longestMaxLength, defaultMaxLength);
            }
        }
        return new Settings(pad, padSource, maxLength, specialTokens(specialRoot, specialTokens, configRoot, config));
    }

    /**
     * The special tokens as transformers collects them: the named ones of special_tokens_map.json (bos, eos, unk,
     * pad, additional) and the entries of tokenizer_config.json's {@code added_tokens_decoder} marked special.
     */
    private static List<String> specialTokens(JsonNode specialRoot, Path specialFile, JsonNode configRoot,
            Path configFile) throws IOException {
        java.util.LinkedHashSet<String> tokens = new java.util.LinkedHashSet<>();
        for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            tokenName(specialRoot, key, specialFile).ifPresent(tokens::add);
        }
        for (JsonNode extra : specialRoot.path("additional_special_tokens")) {
            if (extra.isTextual()) {
                tokens.add(extra.textValue());
            } else if (extra.path("content").isTextual()) {
                tokens.add(extra.path("content").textValue());
            }
        }
        for (JsonNode added : configRoot.path("added_tokens_decoder")) {
            if (added.path("special").asBoolean(false) && added.path("content").isTextual()) {
                tokens.add(added.path("content").textValue());
            }
        }
        tokens.remove("");
        return List.copyOf(tokens);
    }

    private static Optional<String> tokenName(JsonNode root, String key, Path file) throws IOException {
        JsonNode value = root.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            return Optional.of(value.textValue());
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return Optional.of(value.path("content").textValue());
        }
        throw new IOException(file + ": " + key + " must be a string or an object with a string 'content', not "
                + value);
    }

    private static JsonNode readOptionalObject(Path file) throws IOException {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        JsonNode root = readJson(file);
        if (!root.isObject()) {
            throw new IOException(file + " must be a JSON object");
        }
        return root;
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new IOException(file + " is empty; expected a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Path requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "missing; " + FOLDER_CONTENTS);
        }
        return file;
    }
}
