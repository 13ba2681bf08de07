package dev.imagine.engine;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An animation's parameters in plain form (strings, numbers and booleans, for a stored generation's JSON), derived
 * from the records that define them, so nothing is described twice: the settings are {@link RequestValues} of
 * {@link AnimationRequest#settings()}, with the first keyframe as its {@code prompt} and {@code seed} (so a stored
 * animation reads like a generation of its first keyframe); keyframe {@code k >= 1} is {@code to<k>} and
 * {@code toSeed<k>}; every other {@link AnimationRequest} component ({@code framesPerSegment}, {@code ease},
 * {@code loop}, {@code fps}, and any added later) is stored under its own name.
 */
public final class AnimationValues {
    private static final String KEYFRAMES = "keyframes";
    private static final String SETTINGS = "settings";
    private static final String TO = "to";
    private static final String TO_SEED = "toSeed";

    private AnimationValues() {
    }

    /** The plain form of {@code request}. */
    public static Map<String, Object> toPlain(AnimationRequest request) {
        Keyframe first = request.keyframes().get(0);
        Map<String, Object> plain = new LinkedHashMap<>(RequestValues.of(request.settings().toBuilder()
                .prompt(first.prompt()).seed(first.seed()).build()).toPlain());
        for (int k = 1; k < request.keyframes().size(); k++) {
            Keyframe keyframe = request.keyframes().get(k);
            plain.put(TO + k, keyframe.prompt());
            if (keyframe.seed() != null) {
                plain.put(TO_SEED + k, keyframe.seed());
            }
        }
        for (RecordComponent component : AnimationRequest.class.getRecordComponents()) {
            String name = component.getName();
            if (!name.equals(KEYFRAMES) && !name.equals(SETTINGS)) {
                Object value = read(component, request);
                plain.put(name, value instanceof Ease ease ? ease.id() : value);
            }
        }
        plain.values().removeIf(Objects::isNull);
        return plain;
    }

    /**
     * The request stored as {@code plain}.
     *
     * @throws IllegalArgumentException naming the parameter when a value is missing or has the wrong form
     */
    public static AnimationRequest fromPlain(Map<String, ?> plain) {
        Map<String, Object> settings = new LinkedHashMap<>();
        List<Keyframe> keyframes = new ArrayList<>();
        Map<String, Object> own = new LinkedHashMap<>();
        List<String> animationNames = new ArrayList<>();
        for (RecordComponent component : AnimationRequest.class.getRecordComponents()) {
            animationNames.add(component.getName());
        }
        plain.forEach((name, value) -> {
            if (animationNames.contains(name)) {
                own.put(name, value);
            } else if (!name.matches("(to|toSeed)[0-9]+")) {
                settings.put(name, value);
            }
        });
        GenerationRequest first = RequestValues.fromPlain(settings).toRequest(null);
        keyframes.add(new Keyframe(first.prompt(), first.seed()));
        for (int k = 1; plain.containsKey(TO + k); k++) {
            Object seed = plain.get(TO_SEED + k);
            if (seed != null && !(seed instanceof Number)) {
                throw new IllegalArgumentException(TO_SEED + k + " must be a whole number");
            }
            keyframes.add(new Keyframe(String.valueOf(plain.get(TO + k)),
                    seed == null ? null : ((Number) seed).longValue()));
        }
        return new AnimationRequest(keyframes, whole(own, "framesPerSegment", AnimationRequest.DEFAULT_FRAMES),
                own.get("ease") == null ? Ease.LINEAR : Ease.parse(String.valueOf(own.get("ease"))),
                Boolean.TRUE.equals(own.get("loop")), whole(own, "fps", AnimationRequest.DEFAULT_FPS),
                first.toBuilder().prompt("").seed(null).build());
    }

    private static int whole(Map<String, Object> values, String name, int fallback) {
        Object value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException(name + " must be a whole number, got " + value);
        }
        return n.intValue();
    }

    private static Object read(RecordComponent component, AnimationRequest request) {
        try {
            return component.getAccessor().invoke(request);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
