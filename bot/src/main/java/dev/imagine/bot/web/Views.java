package dev.imagine.bot.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.command.SafetyPolicy;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.engine.AnimationResult;
import dev.imagine.engine.GenerationResult;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StoredImage;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON the page and scripts read: generations (with their parameters, caption, pictures and buttons) and the
 * command core's replies. A done generation's caption is the chat adapters' ({@link Messages#caption}), made once
 * from its stored pictures and kept. Thread-safe.
 */
final class Views {
    /** The reply message id that records a card deleted from the page (the web's "message" is its card). */
    static final String DELETED = "deleted";

    private static final List<ButtonAction> RESULT_BUTTONS = List.of(ButtonAction.REROLL, ButtonAction.RERUN,
            ButtonAction.DELETE);

    private static final Logger LOG = LoggerFactory.getLogger(Views.class);

    private final ObjectMapper json = new ObjectMapper();
    private final Storage storage;
    private final SafetyPolicy safety;
    private final Cache<Long, String> captions = Caffeine.newBuilder().maximumSize(1000).build();

    Views(Storage storage, SafetyPolicy safety) {
        this.storage = storage;
        this.safety = safety;
    }

    /** Whether the safety policy withholds this picture from the page (flagged, under {@code safety.nsfw: block}). */
    boolean withheld(StoredImage image) {
        return safety.treatment(image.nsfw(), false) == SafetyPolicy.Treatment.WITHHOLD;
    }

    /** Whether the page blurs this picture until it is clicked (flagged, under {@code safety.nsfw: spoiler}). */
    boolean spoiler(StoredImage image) {
        return safety.treatment(image.nsfw(), false) == SafetyPolicy.Treatment.SPOILER;
    }

    ObjectMapper json() {
        return json;
    }

    String write(Object node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON view could not be written", e);
        }
    }

    /** {@code {"error": message}}. */
    String error(String message) {
        return write(json.createObjectNode().put("error", message));
    }

    /** A stored generation; {@code result}, when at hand (a job just finished), words the caption. */
    ObjectNode generation(Generation g, GenerationResult result) {
        ObjectNode node = json.createObjectNode();
        node.put("id", g.id());
        node.put("kind", g.kind().id());
        node.put("status", g.status().id());
        node.put("prompt", prompt(g));
        // Every stored parameter by its name: a new parameter of the request appears here with no change.
        node.set("parameters", json.valueToTree(g.parameters().values()));
        node.put("model", g.model().name());
        putNullable(node, "parentId", g.parentId());
        node.put("error", g.error());
        node.put("queuedAt", time(g.queuedAt()));
        node.put("finishedAt", time(g.finishedAt()));
        putNullable(node, "engineMillis", g.engineMillis());
        node.put("deleted", DELETED.equals(g.replyTarget().replyMessageId()));
        node.put("caption", g.status() == GenerationStatus.DONE ? caption(g, result) : null);
        boolean animation = g.kind() == GenerationKind.ANIMATION;
        ArrayNode buttons = node.putArray("buttons");
        if (g.status() == GenerationStatus.DONE && animation) {
            ButtonId.forAnimation(g.id()).forEach(id -> buttons.add(button(id)));
        } else if (g.status() == GenerationStatus.DONE) {
            RESULT_BUTTONS.forEach(action -> buttons.add(button(ButtonId.of(action, g.id()))));
        } else if (!g.status().isFinal()) {
            ButtonId.forQueued(g.id()).forEach(id -> buttons.add(button(id)));
        } else {
            buttons.add(button(ButtonId.of(ButtonAction.RERUN, g.id())));
            buttons.add(button(ButtonId.of(ButtonAction.DELETE, g.id())));
        }
        ArrayNode images = node.putArray("images");
        for (StoredImage image : g.images()) {
            if (animation) {
                // An animation shows its video file (the last image), not its frames.
                if (image.index() == g.images().size() - 1) {
                    // The video carries the safety checker's flag when any frame does; the policy applies as to
                    // a picture.
                    String url = "/api/images/" + g.id() + "/" + image.index();
                    boolean withheld = withheld(image);
                    images.addObject().put("index", image.index()).put("seed", image.seed()).put("video", true)
                            .put("withheld", withheld).put("url", withheld ? null : url)
                            .put("download", withheld ? null : url + "?download=1")
                            .put("fileName", fileName(g, image.index())).put("alt", prompt(g))
                            .put("nsfw", image.nsfw()).put("spoiler", spoiler(image)).putArray("buttons");
                }
                continue;
            }
            String url = "/api/images/" + g.id() + "/" + image.index();
            ObjectNode picture = images.addObject();
            picture.put("index", image.index());
            picture.put("seed", image.seed());
            boolean withheld = withheld(image);
            picture.put("withheld", withheld);
            picture.put("url", withheld ? null : url);
            picture.put("download", withheld ? null : url + "?download=1");
            picture.put("fileName", fileName(g, image.index()));
            picture.put("alt", prompt(g) + " (Seed " + image.seed() + ")");
            // The checker's verdict as stored; the page blurs the picture until it is clicked when the policy says
            // spoiler (under allow it is shown as it is, under block it is withheld above).
            picture.put("nsfw", image.nsfw());
            picture.put("spoiler", spoiler(image));
            ArrayNode own = picture.putArray("buttons");
            ButtonId.forImage(g.id(), image.index()).forEach(id -> own.add(button(id)));
        }
        return node;
    }

    static String prompt(Generation g) {
        return Objects.toString(g.parameters().get("prompt"), "");
    }

    /** The download name of a stored file: a picture's PNG, or an animation's video. */
    static String fileName(Generation g, int index) {
        return g.kind() == GenerationKind.ANIMATION && index == g.images().size() - 1
                ? "imagine-" + g.id() + ".mp4" : "imagine-" + g.id() + "-" + (index + 1) + ".png";
    }

    private String caption(Generation g, GenerationResult result) {
        if (g.kind() == GenerationKind.ANIMATION) {
            try {
                return captions.get(g.id(), id -> {
                    AnimationResult animation = StoredJobs.animation(g, storage.generations());
                    return Messages.animationCaption(id, new JobEvent.Animation(animation,
                            StoredJobs.video(g, storage.generations(), animation)), Messages.DISCORD_MESSAGE_LIMIT);
                });
            } catch (RuntimeException e) {
                LOG.warn("The caption of animation {} cannot be made from its stored files: {}", g.id(),
                        e.getMessage());
                return null;
            }
        }
        if (result != null) {
            String caption = Messages.caption(g.id(), result, Messages.DISCORD_MESSAGE_LIMIT);
            captions.put(g.id(), caption);
            return caption;
        }
        try {
            return captions.get(g.id(), id -> Messages.caption(id, StoredJobs.result(g, storage.generations()),
                    Messages.DISCORD_MESSAGE_LIMIT));
        } catch (RuntimeException e) {
            LOG.warn("The caption of generation {} cannot be made from its stored pictures: {}", g.id(),
                    e.getMessage());
            return null;
        }
    }

    ObjectNode button(ButtonId id) {
        return json.createObjectNode().put("id", id.encode()).put("label", id.action().label());
    }

    /** The core's reply as {@code {"kind": ..., "text": ...}} plus what the kind carries. */
    ObjectNode reply(Reply reply) {
        ObjectNode node = json.createObjectNode();
        if (reply instanceof Reply.Queued queued) {
            node.put("kind", "queued").put("id", queued.generationId()).put("position", queued.position());
            ArrayNode buttons = node.putArray("buttons");
            queued.buttons().forEach(id -> buttons.add(button(id)));
        } else if (reply instanceof Reply.Document document) {
            node.put("kind", "document").put("fileName", document.fileName())
                    .put("png", Base64.getEncoder().encodeToString(document.bytes()));
        } else if (reply instanceof Reply.DeleteMessage delete) {
            node.put("kind", "deleted").put("id", delete.generationId());
        } else if (reply instanceof Reply.Refused) {
            node.put("kind", "refused");
        } else {
            node.put("kind", "text");
        }
        node.put("text", reply.text());
        return node;
    }

    /** The HTTP status of a reply: 202 queued, 422 refused, else 200. */
    static int status(Reply reply) {
        if (reply instanceof Reply.Queued) {
            return 202;
        }
        return reply instanceof Reply.Refused ? 422 : 200;
    }

    private static void putNullable(ObjectNode node, String field, Long value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
