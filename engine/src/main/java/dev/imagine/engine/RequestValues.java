package dev.imagine.engine;

import java.awt.image.BufferedImage;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** Each name's slot: its index among the record's components without the init image. */
    private static final Map<String, Integer> SLOTS;
    /** The record's components and their accessors, all of them, read once: reflection is slow on every job. */
    private static final RecordComponent[] COMPONENTS;
    private static final Method[] ACCESSORS;
    /** For each of {@link #COMPONENTS}, its slot, or -1 for the init image. */
    private static final int[] SLOT_OF_COMPONENT;
    private static final Constructor<GenerationRequest> CANONICAL;

    static {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        Map<String, Integer> slots = new LinkedHashMap<>();
        COMPONENTS = GenerationRequest.class.getRecordComponents();
        ACCESSORS = new Method[COMPONENTS.length];
        SLOT_OF_COMPONENT = new int[COMPONENTS.length];
        Class<?>[] all = new Class<?>[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            all[i] = COMPONENTS[i].getType();
            ACCESSORS[i] = COMPONENTS[i].getAccessor();
            String name = COMPONENTS[i].getName();
            if (name.equals(INIT_IMAGE)) {
                SLOT_OF_COMPONENT[i] = -1;
            } else {
                SLOT_OF_COMPONENT[i] = slots.size();
                slots.put(name, slots.size());
                types.put(name, boxed(COMPONENTS[i].getType()));
            }
        }
        TYPES = Collections.unmodifiableMap(types);
        SLOTS = Collections.unmodifiableMap(slots);
        try {
            CANONICAL = GenerationRequest.class.getDeclaredConstructor(all);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** No values. */
    public static final RequestValues NONE = new RequestValues(new Object[SLOTS.size()]);

    /** One value per slot, null where not set; never changed after construction. */
    private final Object[] slots;
    /** The set values by name in component order, made on first use. */
    private volatile Map<String, Object> map;

    private RequestValues(Object[] slots) {
        this.slots = slots;
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

    private static int slot(String name) {
        type(name);
        return SLOTS.get(name);
    }

    /** Every value of {@code request} that is set (all but its init image). */
    public static RequestValues of(GenerationRequest request) {
        Object[] slots = new Object[SLOTS.size()];
        for (int i = 0; i < COMPONENTS.length; i++) {
            if (SLOT_OF_COMPONENT[i] >= 0) {
                slots[SLOT_OF_COMPONENT[i]] = read(i, request);
            }
        }
        return new RequestValues(slots);
    }

    /**
     * Values from their plain form (see the class comment).
     *
     * @throws IllegalArgumentException naming the parameter when a name is unknown or a value has the wrong form
     */
    public static RequestValues fromPlain(Map<String, ?> plain) {
        Object[] slots = new Object[SLOTS.size()];
        for (Map.Entry<String, ?> entry : plain.entrySet()) {
            Object value = fromPlain(entry.getKey(), entry.getValue());
            slots[SLOTS.get(entry.getKey())] = value;
        }
        return new RequestValues(slots);
    }

    /** The plain form: strings, numbers and booleans in component order (see the class comment). */
    public Map<String, Object> toPlain() {
        Map<String, Object> plain = new LinkedHashMap<>();
        asMap().forEach((name, value) -> plain.put(name, value instanceof Enum<?> e ? enumText(e) : value));
        return Collections.unmodifiableMap(plain);
    }

    /** The set values, in component order. */
    public Map<String, Object> asMap() {
        Map<String, Object> values = map;
        if (values == null) {
            Map<String, Object> ordered = new LinkedHashMap<>();
            SLOTS.forEach((name, slot) -> {
                if (slots[slot] != null) {
                    ordered.put(name, slots[slot]);
                }
            });
            values = Collections.unmodifiableMap(ordered);
            map = values;
        }
        return values;
    }

    /** Whether no value is set. */
    public boolean isEmpty() {
        for (Object value : slots) {
            if (value != null) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code name} has a value. */
    public boolean has(String name) {
        return slots[slot(name)] != null;
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
        return type.cast(slots[SLOTS.get(name)]);
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
        Object[] changed = slots.clone();
        changed[SLOTS.get(name)] = value;
        return new RequestValues(changed);
    }

    /** Only the values named in {@code names}. */
    public RequestValues only(Collection<String> names) {
        Object[] kept = new Object[slots.length];
        SLOTS.forEach((name, slot) -> {
            if (names.contains(name)) {
                kept[slot] = slots[slot];
            }
        });
        return new RequestValues(kept);
    }

    /** These values, and for each name without one, {@code fallback}'s. */
    public RequestValues orElse(RequestValues fallback) {
        Object[] merged = slots.clone();
        for (int slot = 0; slot < merged.length; slot++) {
            if (merged[slot] == null) {
                merged[slot] = fallback.slots[slot];
            }
        }
        return new RequestValues(merged);
    }

    /**
     * The request these values describe; a value left out takes {@link GenerationRequest#builder}'s default.
     *
     * @param initImage the picture to start from, or {@code null}
     * @throws IllegalArgumentException with the request's own sentence when a value is out of range
     */
    public GenerationRequest toRequest(BufferedImage initImage) {
        Object[] args = new Object[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            Object value = SLOT_OF_COMPONENT[i] < 0 ? initImage : slots[SLOT_OF_COMPONENT[i]];
            if (value == null && COMPONENTS[i].getType().isPrimitive()) {
                value = read(i, GenerationRequest.DEFAULTS);
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

    private static Object read(int component, GenerationRequest request) {
        try {
            return ACCESSORS[component].invoke(request);
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
        return o instanceof RequestValues other && Arrays.equals(slots, other.slots);
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return "RequestValues" + asMap();
    }
}
