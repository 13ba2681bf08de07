package dev.imagine.bot.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Picks the files of a repository that an ONNX Stable Diffusion pipeline needs: {@code model_index.json} and the
 * direct files of {@code scheduler/}, {@code tokenizer/}, {@code tokenizer_2/} and {@code text_encoder_2/} (SDXL),
 * {@code text_encoder/}, {@code unet/}, {@code vae_decoder/}, {@code vae_encoder/} and, unless asked not to, the
 * safety checker's {@code safety_checker/} and {@code feature_extractor/}. PyTorch, safetensors and Flax weights are
 * left out; so are files of other precision variants. In a component folder
 * with several graphs ({@code model.onnx}, {@code model_fp16.onnx}, {@code model.fp16.onnx}...) the one for the
 * requested precision is kept and stored as {@code model.onnx}, with the external data files named after it;
 * other files beside it (such as {@code weights.pb}) are kept.
 */
final class FileSelection {
    static final List<String> COMPONENTS = List.of("scheduler", "tokenizer", "tokenizer_2", "text_encoder",
            "text_encoder_2", "unet", "vae_decoder", "vae_encoder", "feature_extractor", "safety_checker");
    static final Set<String> GRAPH_COMPONENTS = Set.of("text_encoder", "text_encoder_2", "unet", "vae_decoder",
            "vae_encoder", "safety_checker");
    /** The safety checker's folders, which {@code --no-safety-checker} leaves out. */
    static final Set<String> SAFETY_COMPONENTS = Set.of("safety_checker", "feature_extractor");
    static final List<String> REQUIRED = List.of("model_index.json", "scheduler/scheduler_config.json",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "text_encoder/model.onnx", "unet/model.onnx",
            "vae_decoder/model.onnx");
    /** What an SDXL folder needs besides {@link #REQUIRED}: the second tokenizer and text encoder. */
    static final List<String> REQUIRED_SDXL = List.of("tokenizer_2/vocab.json", "tokenizer_2/merges.txt",
            "text_encoder_2/model.onnx");
    static final String GRAPH_NAME = "model.onnx";
    private static final List<String> WEIGHT_SUFFIXES = List.of(".safetensors", ".bin", ".ckpt", ".pt", ".pth",
            ".msgpack", ".h5", ".gguf", ".pkl");
    private static final Set<String> VARIANT_TAGS = Set.of("fp16", "fp32", "bf16", "int8", "uint8", "int4", "q4",
            "q4f16", "quantized", "bnb4");

    /**
     * A file to fetch and where it goes in the model folder.
     *
     * @param remote the repository's file
     * @param localPath its path in the model folder ({@code /}-separated)
     */
    record Wanted(RemoteFile remote, String localPath) {
    }

    /**
     * The files to fetch, and sentences about what was left out.
     */
    record Selection(List<Wanted> files, List<String> notes) {
        Selection {
            files = List.copyOf(files);
            notes = List.copyOf(notes);
        }

        long totalBytes() {
            return files.stream().mapToLong(w -> w.remote().size()).sum();
        }
    }

    private FileSelection() {
    }

    /**
     * Selects the files for {@code precision} ({@code null}: the untagged graphs).
     *
     * @throws ModelException when the repository holds no ONNX files, is a family imagine does not run, holds
     *     several variants and none was asked for, or lacks a file the pipeline needs
     */
    static Selection select(RepoRef ref, List<RemoteFile> files, Precision precision) {
        return select(ref, files, precision, true);
    }

    /**
     * Selects the files for {@code precision}, with or without the safety checker ({@code safety_checker/} and
     * {@code feature_extractor/}).
     *
     * @throws ModelException as {@link #select(RepoRef, List, Precision)}
     */
    static Selection select(RepoRef ref, List<RemoteFile> files, Precision precision, boolean safetyChecker) {
        rejectUnsupportedFamily(ref, files);
        if (files.stream().noneMatch(f -> isGraph(f.name()) && GRAPH_COMPONENTS.contains(component(f)))) {
            throw noOnnx(ref, files);
        }
        List<Wanted> wanted = new ArrayList<>();
        long pytorchBytes = 0;
        int pytorchFiles = 0;
        Map<String, Long> leftOut = new TreeMap<>();
        Set<String> otherVariants = new TreeSet<>();
        Map<String, List<RemoteFile>> byComponent = new LinkedHashMap<>();
        for (RemoteFile file : files) {
            String component = component(file);
            if (file.path().equals("model_index.json")) {
                wanted.add(new Wanted(file, file.path()));
            } else if (component != null && COMPONENTS.contains(component) && depth(file) == 2
                    && (safetyChecker || !SAFETY_COMPONENTS.contains(component))) {
                byComponent.computeIfAbsent(component, c -> new ArrayList<>()).add(file);
            } else if (component != null) {
                leftOut.merge(component + "/", file.size(), Long::sum);
            } else if (isWeight(file.name())) {
                pytorchBytes += file.size();
                pytorchFiles++;
            }
        }
        for (Map.Entry<String, List<RemoteFile>> entry : byComponent.entrySet()) {
            String component = entry.getKey();
            List<RemoteFile> inside = entry.getValue();
            RemoteFile graph = GRAPH_COMPONENTS.contains(component) ? chooseGraph(ref, component, inside, precision) : null;
            List<String> otherGraphs = inside.stream().filter(f -> isGraph(f.name()) && f != graph)
                    .map(RemoteFile::name).toList();
            for (RemoteFile file : inside) {
                String name = file.name();
                if (file == graph) {
                    wanted.add(new Wanted(file, component + "/" + GRAPH_NAME));
                } else if (isGraph(name)) {
                    otherVariants.add(file.path());
                } else if (graph != null && name.startsWith(graph.name())) {
                    wanted.add(new Wanted(file, file.path()));
                } else if (otherGraphs.stream().anyMatch(name::startsWith)) {
                    otherVariants.add(file.path());
                } else if (isWeight(name)) {
                    pytorchBytes += file.size();
                    pytorchFiles++;
                } else {
                    wanted.add(new Wanted(file, file.path()));
                }
            }
        }
        wanted.sort(Comparator.comparing(Wanted::localPath));
        List<String> present = wanted.stream().map(Wanted::localPath).toList();
        boolean sdxl = byComponent.containsKey("text_encoder_2") || byComponent.containsKey("tokenizer_2");
        List<String> required = new ArrayList<>(REQUIRED);
        if (sdxl) {
            required.addAll(REQUIRED_SDXL);
        }
        List<String> missing = required.stream().filter(p -> !present.contains(p)).toList();
        if (!missing.isEmpty()) {
            throw new ModelException(ref + " has ONNX files but not a complete Stable Diffusion" + (sdxl ? " XL" : "")
                    + " ONNX folder: it lacks " + String.join(", ", missing)
                    + (sdxl && missing.contains("text_encoder/model.onnx") ? " (the SDXL refiner, which has only "
                            + "text_encoder_2, is not supported)" : ""));
        }
        List<String> notes = new ArrayList<>();
        if (pytorchFiles > 0) {
            notes.add("left out " + pytorchFiles + " PyTorch/safetensors weight file" + (pytorchFiles == 1 ? "" : "s")
                    + " (" + HumanSizes.format(pytorchBytes) + "): imagine uses the ONNX files");
        }
        if (!otherVariants.isEmpty()) {
            notes.add("left out other variants: " + String.join(", ", otherVariants));
        }
        leftOut.forEach((group, bytes) -> notes.add("left out " + group + " (" + HumanSizes.format(bytes) + ")"
                + (!safetyChecker && SAFETY_COMPONENTS.contains(group.substring(0, group.length() - 1))
                        ? ": --no-safety-checker" : "")));
        return new Selection(wanted, notes);
    }

    private static RemoteFile chooseGraph(RepoRef ref, String component, List<RemoteFile> inside, Precision precision) {
        List<RemoteFile> graphs = inside.stream().filter(f -> isGraph(f.name())).toList();
        if (graphs.isEmpty()) {
            return null;
        }
        if (precision != null) {
            List<RemoteFile> tagged = graphs.stream().filter(f -> precision.id().equals(tag(f.name()))).toList();
            if (!tagged.isEmpty()) {
                return preferPlainSeparator(tagged);
            }
        }
        List<RemoteFile> untagged = graphs.stream().filter(f -> tag(f.name()) == null).toList();
        if (!untagged.isEmpty()) {
            return untagged.stream().filter(f -> f.name().equals(GRAPH_NAME)).findFirst().orElse(untagged.get(0));
        }
        if (graphs.size() == 1) {
            return graphs.get(0);
        }
        Set<String> tags = new TreeSet<>();
        graphs.forEach(f -> tags.add(tag(f.name())));
        throw new ModelException(ref + " holds several variants of " + component + "/ (" + String.join(", ", tags)
                + "); choose one with --variant fp32 or --variant fp16");
    }

    private static RemoteFile preferPlainSeparator(List<RemoteFile> graphs) {
        return graphs.stream().filter(f -> f.name().startsWith("model")).findFirst().orElse(graphs.get(0));
    }

    /** The variant tag of a graph file name: {@code fp16} for {@code model_fp16.onnx} or {@code model.fp16.onnx}. */
    static String tag(String graphName) {
        String stem = graphName.substring(0, graphName.length() - ".onnx".length()).toLowerCase(Locale.ROOT);
        int cut = Math.max(stem.lastIndexOf('.'), stem.lastIndexOf('_'));
        if (cut < 0) {
            return null;
        }
        String tag = stem.substring(cut + 1);
        return VARIANT_TAGS.contains(tag) ? tag : null;
    }

    private static void rejectUnsupportedFamily(RepoRef ref, List<RemoteFile> files) {
        String family = null;
        for (RemoteFile file : files) {
            String component = component(file);
            if ("text_encoder_3".equals(component) || "transformer".equals(component)) {
                family = "Stable Diffusion 3 or FLUX";
            }
        }
        if (family != null) {
            throw new ModelException(ref + " is a " + family + " model, which imagine does not run yet; "
                    + "pull a Stable Diffusion 1.x, 2.x, XL or XL-Turbo ONNX export");
        }
    }

    private static ModelException noOnnx(RepoRef ref, List<RemoteFile> files) {
        long weights = files.stream().filter(f -> isWeight(f.name())).count();
        String held = weights > 0 ? "; it holds " + weights + " PyTorch/safetensors weight file" + (weights == 1 ? "" : "s")
                : "";
        String suggestion = ref.revision().equals(RepoRef.MAIN)
                ? "many Stable Diffusion repositories keep an ONNX export in a revision named onnx: try "
                        + "imagine models pull " + ref.repo() + "@onnx; or export it yourself with optimum: "
                : "try another revision, or export it yourself with optimum: ";
        return new ModelException(ref + " has no ONNX files" + held + ". imagine runs ONNX exports: " + suggestion
                + "optimum-cli export onnx --model " + ref.repo() + " DIR");
    }

    private static String component(RemoteFile file) {
        int slash = file.path().indexOf('/');
        return slash < 0 ? null : file.path().substring(0, slash);
    }

    private static int depth(RemoteFile file) {
        return file.path().split("/").length;
    }

    private static boolean isGraph(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    private static boolean isWeight(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return WEIGHT_SUFFIXES.stream().anyMatch(lower::endsWith);
    }
}
