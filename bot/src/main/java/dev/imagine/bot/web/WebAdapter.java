package dev.imagine.bot.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.bot.command.Caller;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.InitImage;
import dev.imagine.bot.command.Messages;
import dev.imagine.bot.command.PromptOptions;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.service.ChatAdapter;
import dev.imagine.bot.service.ServiceContext;
import dev.imagine.config.LimitSettings;
import dev.imagine.config.ImagineConfig;
import dev.imagine.config.WebSettings;
import dev.imagine.storage.DamagedImageException;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationRepository;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StoredImage;
import dev.imagine.storage.User;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web chat: the bot as a page in the browser, on Javalin (Jetty). A JSON API, which the page uses and scripts may
 * too, feeds the same {@link CommandCore} as the Discord and Telegram adapters:
 *
 * <ul>
 *   <li>{@code GET /api/session}: who is signed in, the CSRF token, whether a password is needed;
 *       {@code POST /api/login} ({@code {"name", "password"}}) and {@code POST /api/logout}</li>
 *   <li>{@code POST /api/prompts}: a prompt or command as typed in a chat, with its {@code --flags}; JSON
 *       {@code {"text", "strength"}} or a multipart form with {@code text}, {@code strength} and an {@code image}
 *       file for img2img</li>
 *   <li>{@code GET /api/generations?before=ID&limit=N}: the user's history, newest first, paged;
 *       {@code GET /api/generations/ID}: one generation with its parameters</li>
 *   <li>{@code GET /api/images/ID/INDEX}: the PNG, with its {@code parameters} chunk ({@code ?download=1} to save
 *       it)</li>
 *   <li>{@code POST /api/buttons} ({@code {"button": "im:rr:12"}}): re-roll, rerun, vary, upscale, delete, cancel,
 *       PNG</li>
 *   <li>{@code GET /api/events}: server-sent events of the user's jobs ({@link EventStream})</li>
 * </ul>
 *
 * <p>Every web user is in one chat, {@value #ROOM}, so the buttons follow the same rules as in a group chat of the
 * other platforms; the history and the pictures a user reads are their own (or anyone's, for a manager). Without a
 * password the server answers only at a loopback host name (no DNS rebinding) and everyone is the local user. Every
 * state-changing request needs the session and its CSRF token in {@value #CSRF_HEADER}; a sign-in needs a JSON body,
 * which a cross-site form cannot send. Answers never carry a stack trace; the password is never logged.
 *
 * <p>The service owns this adapter; it owns its server and its event thread, not the dispatcher, the storage or the
 * core.
 */
public final class WebAdapter implements ChatAdapter {
    /** The platform id on jobs, users and settings. */
    public static final String PLATFORM = "web";
    /** The one chat every web user is in. */
    static final String ROOM = "web";
    /** The header that carries the CSRF token. */
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** History page size when the request names none. */
    static final int PAGE = 10;

    private static final Logger LOG = LoggerFactory.getLogger(WebAdapter.class);
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
            + "blob: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final long FORM_OVERHEAD = 1L << 20;

    private final WebSettings settings;
    private Javalin app;
    private Sessions sessions;
    private EventStream events;
    private final ArrivalOrder arrivals = new ArrivalOrder();
    private Views views;
    private CommandCore core;
    private Storage storage;
    private long uploadCap;
    private volatile boolean intake = true;
    private boolean closed;

    /** A web chat with these settings; {@link #start} serves it. */
    public WebAdapter(WebSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The factory the service's adapter map holds. */
    public static ChatAdapter create(ImagineConfig config) {
        return new WebAdapter(config.web());
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    /**
     * Registers the job sink and starts serving; logs the address to open.
     *
     * @throws IllegalStateException when the port is taken or the address cannot be bound, with a sentence
     */
    @Override
    public void start(ServiceContext context) {
        start(context.commandCore(), context.dispatcher(), context.storage(), context.clock());
    }

    /** {@link #start(ServiceContext)} with a core the caller made. */
    synchronized void start(CommandCore core, Dispatcher dispatcher, Storage storage, Clock clock) {
        if (app != null) {
            throw new IllegalStateException("the web adapter was already started");
        }
        this.core = core;
        this.storage = storage;
        this.views = new Views(storage, core.safety());
        this.sessions = new Sessions(settings, clock);
        this.events = new EventStream(dispatcher, storage, views);
        this.uploadCap = core.limits().maxImageBytes() + FORM_OVERHEAD;
        dispatcher.registerSink(PLATFORM, events);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = FORM_OVERHEAD;
            config.jetty.multipartConfig.maxFileSize(uploadCap, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(uploadCap, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, uploadCap),
                    SizeUnit.BYTES);
            config.routes.before(this::guard);
            config.routes.get("/", ctx -> page(ctx, "index.html", "text/html; charset=utf-8"));
            config.routes.get("/app.js", ctx -> page(ctx, "app.js", "text/javascript; charset=utf-8"));
            config.routes.get("/style.css", ctx -> page(ctx, "style.css", "text/css; charset=utf-8"));
            config.routes.get("/api/session", this::session);
            config.routes.post("/api/login", this::login);
            config.routes.post("/api/logout", this::logout);
            config.routes.post("/api/prompts", this::prompt);
            config.routes.get("/api/generations", this::history);
            config.routes.get("/api/generations/{id}", this::generation);
            config.routes.get("/api/images/{id}/{index}", this::image);
            config.routes.post("/api/buttons", this::press);
            config.routes.sse("/api/events", client -> events.open(client.ctx().attribute("user"), client));
            config.routes.exception(Refusal.class, (e, ctx) -> answer(ctx, e.status, views.error(e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("A web request ({} {}) failed", ctx.method(), ctx.path(), e);
                answer(ctx, 500, views.error("Something went wrong on our side; please try again in a moment."));
            });
        });
        try {
            app.start(settings.bindAddress(), settings.port());
        } catch (JavalinBindException | IllegalStateException e) {
            close();
            throw new IllegalStateException("The web chat cannot listen on " + settings.bindAddress() + " port "
                    + settings.port() + " (" + (e.getMessage() == null ? "the address is not usable"
                            : e.getMessage().replace("Port already in use. Make sure no other process is using port",
                                    "another program uses port").replace(" and try again.", ""))
                    + "); set web.port to a free port (0 picks one) or web.enabled to false");
        }
        LOG.info("Web chat: open {} in your browser{}", url(), settings.signIn() ? " and sign in with the password"
                : "");
    }

    /** The event stream, for tests that wait for it. */
    ArrivalOrder arrivals() {
        return arrivals;
    }

    EventStream events() {
        return events;
    }

    /** The port the page is served on, once started. */
    public int port() {
        return app.port();
    }

    /** The address to open in a browser, once started. */
    public URI url() {
        String host = settings.bindAddress();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("localhost")) {
            host = "localhost";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + "/");
    }

    @Override
    public void stopIntake() {
        intake = false;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        intake = false;
        if (events != null) {
            events.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    // ----- every request

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        if (!settings.signIn() && !loopbackHost(ctx.header("Host"))) {
            throw new Refusal(421, "Without a password this page answers only at localhost or 127.0.0.1; open "
                    + url() + ".");
        }
        if (ctx.path().startsWith("/api/events")) {
            ctx.attribute("user", signedIn(ctx).name());
        }
    }

    /** Whether a Host header names this machine (so a page on another site cannot reach the local user). */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(1, end);
        } else if (name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        return name.equals("localhost") || name.equals("::1") || name.matches("127(\\.[0-9]{1,3}){3}");
    }

    private Sessions.Session signedIn(Context ctx) {
        return sessions.find(ctx.cookie(Sessions.COOKIE)).orElseThrow(() -> new Refusal(401,
                "Sign in first: your session ended or the service restarted."));
    }

    /** The session of a state-changing request, which must carry its CSRF token and come from this page. */
    private Sessions.Session changing(Context ctx) {
        sameOrigin(ctx);
        Sessions.Session session = signedIn(ctx);
        if (!Sessions.csrfMatches(session, ctx.header(CSRF_HEADER))) {
            throw new Refusal(403, "This request lacks the page's security token or it is out of date; reload the "
                    + "page.");
        }
        if (!intake) {
            throw new Refusal(503, "The bot is restarting and takes no new requests right now; try again in a "
                    + "minute.");
        }
        return session;
    }

    private static void sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser's cross-origin request: browsers send Origin with every POST
        }
        String host = ctx.header("Host");
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new Refusal(403, "Requests from other sites are not accepted.");
        }
        String authority = uri.getRawAuthority();
        if (host == null || authority == null || !authority.equalsIgnoreCase(host)) {
            throw new Refusal(403, "Requests from other sites are not accepted.");
        }
    }

    private static Caller caller(Sessions.Session session) {
        return new Caller(new Requester(PLATFORM, session.name(), session.name()),
                new ChatTarget(PLATFORM, null, ROOM, null), session.manager());
    }

    private static void answer(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(json);
    }

    private void page(Context ctx, String file, String type) {
        try (InputStream in = WebAdapter.class.getResourceAsStream("/web/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + file + " is missing from the jar");
            }
            ctx.status(200).contentType(type).header("Cache-Control", "no-cache").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ----- sign-in

    private void session(Context ctx) {
        ObjectNode node = views.json().createObjectNode();
        node.put("signIn", sessions.signInNeeded());
        Optional<Sessions.Session> session = sessions.find(ctx.cookie(Sessions.COOKIE));
        node.put("user", session.map(Sessions.Session::name).orElse(null));
        node.put("csrf", session.map(Sessions.Session::csrf).orElse(null));
        node.put("manager", session.map(Sessions.Session::manager).orElse(false));
        node.put("maxImageBytes", core.limits().maxImageBytes());
        ctx.header("Cache-Control", "no-store");
        answer(ctx, 200, views.write(node));
    }

    private void login(Context ctx) {
        sameOrigin(ctx);
        JsonNode body = jsonBody(ctx);
        Sessions.SignIn result = sessions.signIn(body.path("name").asText(null), body.path("password").asText(null));
        if (result instanceof Sessions.SignIn.Refused refused) {
            throw new Refusal(refused.status(), refused.message());
        }
        Sessions.Session session = ((Sessions.SignIn.Done) result).session();
        ctx.res().addHeader("Set-Cookie", Sessions.COOKIE + "=" + session.token() + "; Path=/; Max-Age="
                + Sessions.IDLE.toSeconds() + "; HttpOnly; SameSite=Strict");
        LOG.info("Web chat: {} signed in", session.name());
        answer(ctx, 200, views.write(views.json().createObjectNode().put("user", session.name())
                .put("csrf", session.csrf()).put("manager", session.manager())));
    }

    private void logout(Context ctx) {
        Sessions.Session session = changing(ctx);
        sessions.signOut(session);
        ctx.res().addHeader("Set-Cookie", Sessions.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ctx.status(204);
    }

    private JsonNode jsonBody(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new Refusal(415, "Send JSON (Content-Type: application/json).");
        }
        try {
            JsonNode node = views.json().readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw new Refusal(400, "Send a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw new Refusal(400, "The request is not valid JSON.");
        }
    }

    // ----- prompts and buttons

    private void prompt(Context ctx) throws IOException {
        Sessions.Session session = changing(ctx);
        ArrivalOrder.Ticket ticket = arrivals.arrive(session.name());
        try {
            prompt(ctx, session, ticket);
        } finally {
            arrivals.leave(ticket);
        }
    }

    /** A prompt, read in full, then acted on after the same user's earlier requests (see {@link ArrivalOrder}). */
    private void prompt(Context ctx, Sessions.Session session, ArrivalOrder.Ticket ticket) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > uploadCap) {
            throw new Refusal(413, core.refuseUpload(declared).orElse("The request is too large."));
        }
        String text;
        String strength;
        InitImage image = null;
        if (ctx.isMultipartFormData()) {
            List<UploadedFile> files;
            try {
                text = ctx.formParam("text");
                strength = ctx.formParam("strength");
                files = ctx.uploadedFiles("image");
            } catch (Exception e) {
                // Jetty stops reading a form at the size limit (a body sent without a length is measured only as
                // it is read), or finds it malformed; it throws a checked ServletException here. The size sentence
                // is the core's.
                if (overLimit(e)) {
                    throw new Refusal(413, core.refuseUpload(uploadCap + 1).orElse("The picture is too large."));
                }
                throw new Refusal(400, "The form could not be read; send multipart/form-data with the fields text, "
                        + "strength and one image.");
            }
            if (files.size() > 1) {
                throw new Refusal(400, "Send one picture at a time.");
            }
            if (!files.isEmpty()) {
                UploadedFile file = files.get(0);
                Optional<String> refused = core.refuseUpload(file.size());
                if (refused.isPresent()) {
                    answer(ctx, 413, views.write(views.reply(new Reply.Refused(refused.get()))));
                    return;
                }
                try (InputStream in = file.content()) {
                    image = new InitImage(in.readNBytes((int) Math.min(Integer.MAX_VALUE, uploadCap)), file.size());
                }
            }
        } else {
            JsonNode body = jsonBody(ctx);
            text = body.path("text").asText(null);
            strength = body.hasNonNull("strength") ? body.get("strength").asText() : null;
        }
        if (text == null) {
            throw new Refusal(400, "Send the prompt in the field \"text\".");
        }
        Caller caller = caller(session);
        arrivals.awaitTurn(ticket);
        Reply reply;
        if (image != null && strength != null && !strength.isBlank() && !text.strip().startsWith("/")) {
            double value;
            try {
                value = Double.parseDouble(strength.strip());
            } catch (NumberFormatException e) {
                throw new Refusal(400, "The strength must be a number from 0 to 1, such as 0.6.");
            }
            reply = core.imagine(caller, text, PromptOptions.builder().set("strength", value).build(), image);
        } else {
            reply = core.handleText(caller, text, image);
        }
        respond(ctx, reply);
    }

    /** Whether Jetty gave up on a form because it passed a size limit (it says so only in its message). */
    private static boolean overLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("exceeded")) {
                return true;
            }
        }
        return false;
    }

    private void press(Context ctx) throws IOException {
        Sessions.Session session = changing(ctx);
        ArrivalOrder.Ticket ticket = arrivals.arrive(session.name());
        try {
            String button = jsonBody(ctx).path("button").asText("");
            arrivals.awaitTurn(ticket);
            respond(ctx, core.press(caller(session), button));
        } finally {
            arrivals.leave(ticket);
        }
    }

    private void respond(Context ctx, Reply reply) {
        if (reply instanceof Reply.DeleteMessage delete) {
            storage.generations().setReplyMessage(delete.generationId(), Views.DELETED);
        }
        answer(ctx, Views.status(reply), views.write(views.reply(reply)));
    }

    // ----- reading

    private void history(Context ctx) {
        Sessions.Session session = signedIn(ctx);
        int limit = intParam(ctx.queryParam("limit"), PAGE, 1, GenerationRepository.MAX_PAGE, "limit");
        Long before = ctx.queryParam("before") == null ? null
                : (long) intParam(ctx.queryParam("before"), 0, 1, Integer.MAX_VALUE, "before");
        Optional<User> user = storage.users().find(PLATFORM, session.name());
        List<Generation> page = user.map(u -> storage.generations().history(u.id(), before, limit)).orElse(List.of());
        ObjectNode node = views.json().createObjectNode();
        ArrayNode items = node.putArray("items");
        page.stream().filter(g -> !Views.DELETED.equals(g.replyTarget().replyMessageId()))
                .forEach(g -> items.add(views.generation(g, null)));
        if (page.size() == limit) {
            node.put("next", page.get(page.size() - 1).id());
        } else {
            node.putNull("next");
        }
        ctx.header("Cache-Control", "no-store");
        answer(ctx, 200, views.write(node));
    }

    private static int intParam(String text, int fallback, int min, int max, String name) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Refusal(400, name + " must be a whole number from " + min + " to " + max + ".");
    }

    /** A generation the session may read: its own, or any web generation for a manager. */
    private Generation readable(Context ctx, Sessions.Session session) {
        long id = intParam(ctx.pathParam("id"), 0, 1, Integer.MAX_VALUE, "the generation's number");
        Optional<Generation> found = storage.generations().find(id).filter(g -> g.platform().equals(PLATFORM));
        Optional<User> user = storage.users().find(PLATFORM, session.name());
        return found.filter(g -> session.manager() || user.map(u -> u.id() == g.userId()).orElse(false))
                .orElseThrow(() -> new Refusal(404, "There is no generation #" + id + " of yours."));
    }

    private void generation(Context ctx) {
        Generation g = readable(ctx, signedIn(ctx));
        ctx.header("Cache-Control", "no-store");
        answer(ctx, 200, views.write(views.generation(g, null)));
    }

    private void image(Context ctx) {
        Generation g = readable(ctx, signedIn(ctx));
        int index = intParam(ctx.pathParam("index"), 0, 0, LimitSettings.MAX_MAX_FRAMES, "the picture's index");
        StoredImage image = g.images().stream().filter(i -> i.index() == index).findFirst()
                .orElseThrow(() -> new Refusal(404, "Generation #" + g.id() + " has no picture " + (index + 1) + "."));
        if (views.withheld(image)) {
            throw new Refusal(403, Messages.withheld(g.id(), index, g.images().size()));
        }
        byte[] png;
        try {
            png = storage.generations().imageBytes(image);
        } catch (DamagedImageException e) {
            LOG.warn("A stored picture is damaged: {}", e.getMessage());
            throw new Refusal(410, "This picture's stored file is missing or damaged.");
        }
        ctx.header("Cache-Control", "private, max-age=86400");
        if (ctx.queryParam("download") != null) {
            ctx.header("Content-Disposition", "attachment; filename=\"" + Views.fileName(g, index) + "\"");
        }
        String type = image.path().endsWith(".mp4") ? "video/mp4" : image.path().endsWith(".gif") ? "image/gif"
                : "image/png";
        ctx.status(200).contentType(type).result(png);
    }

    /** A request refused with an HTTP status and a sentence for the user. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
