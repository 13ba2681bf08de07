package dev.imagine.engine;

import java.awt.image.BufferedImage;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Some or all of a generation's parameters, by name: what a user typed, the defaults a user or chat saved, or what a
 * stored generation ran with. The names and types are exactly {@link GenerationRequest}'s record components (all
 * but {@code initImage}, which travels as file bytes), so a parameter added to {@code GenerationRequest} is known
 * here, in chat options, in stored rows and in reruns without another change.
 *
 * <p>The plain form ({@link #toPlain()}, {@link #fromPlain}) holds only strings, numbers and booleans, for JSON:
 * an enum is written with its {@code id()} method when it has one (else its name) and read with its static
 * {@code parse(String)} method when it has one (else {@code valueOf}). Immutable and thread-safe.
 */
public final class RequestValues {
    /** The name of the one component that is not a value here. */
    private static final String INIT_IMAGE = "initImage";
    private static final Map<String, Class<?>> TYPES;
    private static final Constructor<GenerationRequest> CANONICAL;

    static {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        RecordComponent[] components = GenerationRequest.class.getRecordComponents();
        Class<?>[] all = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            all[i] = components[i].getType();
            if (!components[i].getName().equals(INIT_IMAGE)) {
                types.put(components[i].getName(), boxed(components[i].getType()));
            }
        }
        TYPES = Collections.unmodifiableMap(types);
        try {
            CANONICAL = GenerationRequest.class.getDeclaredConstructor(all);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** No values. */
    public static final RequestValues NONE = new RequestValues(Map.of());

    private final Map<String, Object> values;

    private RequestValues(Map<String, Object> values) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : TYPES.keySet()) {
            Object value = values.get(name);
            if (value != null) {
                ordered.put(name, value);
            }
        }
        this.values = Collections.unmodifiableMap(ordered);
    }

    /** Every parameter name, in {@link GenerationRequest}'s component order. */
    public static Set<String> names() {
        return TYPES.keySet();
    }

    /**
     * The (boxed) type of a parameter.
     *
     * @throws IllegalArgumentException when no parameter has this name
     */
    public static Class<?> type(String name) {
        Class<?> type = TYPES.get(name);
        if (type == null) {
            throw new IllegalArgumentException("no generation parameter is called '" + name + "'");
        }
        return type;
    }

    /** Every value of {@code request} that is set (all but its init image). */
    public static RequestValues of(GenerationRequest request) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent component : GenerationRequest.class.getRecordComponents()) {
            if (!component.getName().equals(INIT_IMAGE)) {
                values.put(component.getName(), read(component, request));
            }
        }
        return new RequestValues(values);
    }

    /**
     * Values from their plain form (see the class comment).
     *
     * @throws IllegalArgumentException naming the parameter when a name is unknown or a value has the wrong form
     */
    public static RequestValues fromPlain(Map<String, ?> plain) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : plain.entrySet()) {
            values.put(entry.getKey(), fromPlain(entry.getKey(), entry.getValue()));
        }
        return new RequestValues(values);
    }

    /** The plain form: strings, numbers and booleans in component order (see the class comment). */
    public Map<String, Object> toPlain() {
        Map<String, Object> plain = new LinkedHashMap<>();
        values.forEach((name, value) -> plain.put(name, value instanceof Enum<?> e ? enumText(e) : value));
        return Collections.unmodifiableMap(plain);
    }

    /** The set values, in component order. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Whether no value is set. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Whether {@code name} has a value. */
    public boolean has(String name) {
        type(name);
        return values.containsKey(name);
    }

    /**
     * The value of {@code name}, or {@code null} when it is not set.
     *
     * @throws IllegalArgumentException when no parameter has this name or it is not of {@code type}
     */
    public <T> T get(String name, Class<T> type) {
        Class<?> actual = type(name);
        if (!type.isAssignableFrom(actual)) {
            throw new IllegalArgumentException(name + " is a " + actual.getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(values.get(name));
    }

    /**
     * These values with {@code name} set to {@code value}; {@code null} removes it.
     *
     * @throws IllegalArgumentException when no parameter has this name or the value is of another type
     */
    public RequestValues with(String name, Object value) {
        Class<?> type = type(name);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalArgumentException(name + " takes a " + type.getSimpleName() + ", not a "
                    + value.getClass().getSimpleName());
        }
        Map<String, Object> changed = new LinkedHashMap<>(values);
        changed.put(name, value);
        return new RequestValues(changed);
    }

    /** Only the values named in {@code names}. */
    public RequestValues only(Collection<String> names) {
        Map<String, Object> kept = new LinkedHashMap<>(values);
        kept.keySet().retainAll(names);
        return new RequestValues(kept);
    }

    /** These values, and for each name without one, {@code fallback}'s. */
    public RequestValues orElse(RequestValues fallback) {
        Map<String, Object> merged = new LinkedHashMap<>(fallback.values);
        merged.putAll(values);
        return new RequestValues(merged);
    }

    /**
     * The request these values describe; a value left out takes {@link GenerationRequest#builder}'s default.
     *
     * @param initImage the picture to start from, or {@code null}
     * @throws IllegalArgumentException with the request's own sentence when a value is out of range
     */
    public GenerationRequest toRequest(BufferedImage initImage) {
        RecordComponent[] components = GenerationRequest.class.getRecordComponents();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            Object value = name.equals(INIT_IMAGE) ? initImage : values.get(name);
            if (value == null && components[i].getType().isPrimitive()) {
                value = read(components[i], GenerationRequest.DEFAULTS);
            }
            args[i] = value;
        }
        try {
            return CANONICAL.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object read(RecordComponent component, GenerationRequest request) {
        try {
            return component.getAccessor().invoke(request);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object fromPlain(String name, Object plain) {
        Class<?> type = type(name);
        if (plain == null || type.isInstance(plain)) {
            return plain;
        }
        if (plain instanceof Number n) {
            if (type == Long.class && isWhole(n)) {
                return n.longValue();
            }
            if (type == Integer.class && isWhole(n) && n.longValue() == n.intValue()) {
                return n.intValue();
            }
            if (type == Double.class) {
                return n.doubleValue();
            }
        }
        if (plain instanceof String text && type.isEnum()) {
            return parseEnum(type, name, text);
        }
        throw new IllegalArgumentException(name + " takes a " + type.getSimpleName() + ", not '" + plain + "'");
    }

    private static boolean isWhole(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || (n instanceof java.math.BigInteger b && b.bitLength() < 64);
    }

    private static Object parseEnum(Class<?> type, String name, String text) {
        try {
            Method parse = type.getMethod("parse", String.class);
            if (Modifier.isStatic(parse.getModifiers()) && parse.getReturnType() == type) {
                return parse.invoke(null, text);
            }
        } catch (NoSuchMethodException e) {
            // no parse method: the constant's name
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(name + " has no value '" + text + "'");
    }

    private static String enumText(Enum<?> value) {
        try {
            Method id = value.getDeclaringClass().getMethod("id");
            if (id.getReturnType() == String.class && !Modifier.isStatic(id.getModifiers())) {
                return (String) id.invoke(value);
            }
        } catch (NoSuchMethodException e) {
            // no id method: the constant's name
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return value.name();
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return List.of(Integer.class, Long.class, Double.class, Boolean.class, Float.class, Short.class, Byte.class,
                        Character.class).stream()
                .filter(box -> {
                    try {
                        return box.getField("TYPE").get(null) == type;
                    } catch (ReflectiveOperationException e) {
                        return false;
                    }
                })
                .findFirst().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return "RequestValues" + values;
    }
}
