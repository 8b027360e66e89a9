// A grammY bot for comparison (issue 13): the same work as the load tool's bare
// go-telegram/bot echo plus a session in Redis, run the way grammY's
// documentation recommends for sessions: @grammyjs/runner (its default
// concurrency) with sequentialize per chat before the session middleware.
//
//   sozialraumbot-load loadtest -external 'node cmd/sozialraumbot/internal/loadtest/grammy/bot.mjs'
//
// Environment (set by the load tool): TELEGRAM_API_URL, TELEGRAM_BOT_TOKEN,
// REDIS_URL, REDIS_PREFIX (the sessions' key prefix).
import { Bot, session } from "grammy";
import { run, sequentialize } from "@grammyjs/runner";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Redis } from "ioredis";

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === "") throw new Error(`${name} is not set`);
  return v;
};

const prefix = env("REDIS_PREFIX", "grammy-load");
const redis = new Redis(env("REDIS_URL", "redis://127.0.0.1:6379/0"));
redis.on("error", (err) => console.error("grammy bot: redis:", err.message));
const bot = new Bot(env("TELEGRAM_BOT_TOKEN"), {
  client: { apiRoot: env("TELEGRAM_API_URL", "https://api.telegram.org") },
  // The fake answers getMe like Telegram; skipping it mirrors the Go baseline.
  botInfo: { id: 1, is_bot: true, first_name: "Load", username: "sozialraum_load_bot",
    can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true,
    can_connect_to_business: false, has_main_web_app: false },
});

// One key per chat; updates without a chat (inline queries) have no session.
const chatKey = (ctx) => (ctx.chat === undefined ? undefined : `${prefix}:session:${ctx.chat.id}`);

bot.use(sequentialize(chatKey));
bot.use(session({
  getSessionKey: chatKey,
  initial: () => ({ messages: 0, last: "" }),
  // 30 days, as our bot keeps a dialogue's state (STATE_TTL).
  storage: new RedisAdapter({ instance: redis, ttl: 30 * 24 * 3600 }),
}));

bot.on("message", async (ctx) => {
  ctx.session.messages++;
  ctx.session.last = ctx.message.text ?? "";
  await ctx.reply("echo");
});

bot.on("callback_query", async (ctx) => {
  await ctx.answerCallbackQuery();
  if (ctx.chat !== undefined) {
    ctx.session.messages++;
    ctx.session.last = ctx.callbackQuery.data ?? "";
    await ctx.reply(`echo ${ctx.callbackQuery.data ?? ""}`);
  }
});

bot.on("inline_query", async (ctx) => {
  await ctx.answerInlineQuery([{ type: "article", id: "1", title: "echo",
    input_message_content: { message_text: "echo" } }]);
});

bot.catch((err) => console.error("grammy bot:", err.message));

const runner = run(bot);
// stop() ends fetching; updates already fetched (and so confirmed to Telegram)
// may still wait in sequentialize's per-chat queues: let them finish (at most
// 5 s) before the Redis connection closes.
const stop = async () => {
  if (runner.isRunning()) await runner.stop();
  for (let i = 0; i < 500 && runner.size() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  await redis.quit();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
