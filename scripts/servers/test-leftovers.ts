import { ChromaClient } from "chromadb";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import type { RealServerAddresses } from "@qamesh/distributed";

/**
 * What a test run leaves on the shared servers: every suite works in a namespace of its own
 * (topics, databases, collections), and nothing removes them. Kept, they add up run after run
 * (a broker with some 20,000 partitions runs out of file descriptors mid-run), so the run
 * removes what it created: whatever was not there when it began. What was there before (a
 * developer's own deployment on the same servers) is left alone.
 */
export interface TestLeftovers {
  remove(): Promise<void>;
}

interface ServerContents {
  list(): Promise<string[]>;
  remove(names: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function noteTestLeftovers(servers: RealServerAddresses): Promise<TestLeftovers> {
  const contents = [kafkaTopics(servers.KAFKA_BROKERS), mongoDatabases(servers.MONGODB_URI), chromaCollections(servers.CHROMA_URL)];
  const before = await Promise.all(contents.map(async (content) => new Set(await content.list())));
  return {
    async remove() {
      await Promise.all(
        contents.map(async (content, index) => {
          try {
            const created = (await content.list()).filter((name) => !before[index]!.has(name));
            await content.remove(created);
          } finally {
            await content.close();
          }
        }),
      );
    },
  };
}

function kafkaTopics(brokers: string): ServerContents {
  const admin = new Kafka({ brokers: brokers.split(","), clientId: "qamesh-test-leftovers", logLevel: logLevel.NOTHING }).admin();
  const connected = admin.connect();
  return {
    async list() {
      await connected;
      return (await admin.listTopics()).filter((topic) => !topic.startsWith("__"));
    },
    async remove(topics) {
      // One request per hundred topics keeps each within the broker's request timeout.
      for (let start = 0; start < topics.length; start += 100) {
        await admin.deleteTopics({ topics: topics.slice(start, start + 100), timeout: 60_000 });
      }
    },
    close: () => admin.disconnect(),
  };
}

function mongoDatabases(uri: string): ServerContents {
  const client = new MongoClient(uri);
  const systemDatabases = new Set(["admin", "config", "local"]);
  return {
    async list() {
      const { databases } = await client.db("admin").admin().listDatabases({ nameOnly: true });
      return databases.map((database) => database.name).filter((name) => !systemDatabases.has(name));
    },
    async remove(names) {
      for (const name of names) await client.db(name).dropDatabase();
    },
    close: () => client.close(),
  };
}

function chromaCollections(url: string): ServerContents {
  const address = new URL(url);
  const client = new ChromaClient({ host: address.hostname, port: Number(address.port || 80), ssl: address.protocol === "https:" });
  return {
    async list() {
      const names: string[] = [];
      for (;;) {
        const page = await client.listCollections({ limit: 100, offset: names.length });
        names.push(...page.map((collection) => collection.name));
        if (page.length < 100) return names;
      }
    },
    async remove(names) {
      for (const name of names) await client.deleteCollection({ name });
    },
    close: async () => undefined,
  };
}
