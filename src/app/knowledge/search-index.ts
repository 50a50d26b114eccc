import { KnowledgeSearch, type SearchHit } from "../../domain/knowledge/search.ts";
import { knowledgeRevision, listArticles, listSynonyms, publishedVersions } from "../../store/knowledge.ts";
import type { Store } from "../../store/store.ts";
import { KNOWLEDGE_READERS, requireRole } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";

/**
 * This instance's search index of the published articles. Before each search it reads the knowledge base's
 * revision (one primary-key read); when another writer (this instance or another one over the same
 * PostgreSQL) changed it, only the articles whose version differs are read and re-indexed, and the
 * synonym list is reloaded. So a change is searchable at once everywhere.
 */
export class KnowledgeIndex {
  private readonly search = new KnowledgeSearch([]);
  private readonly versions = new Map<string, number>();
  private revision = -1;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly store: Store) {}

  /** Brings the index up to the database's current revision. */
  async refresh(): Promise<void> {
    const current = await knowledgeRevision(this.store.db);
    if (current === this.revision) return;
    // One reload at a time; a search that arrives meanwhile waits for it and checks again.
    while (this.refreshing) await this.refreshing;
    if (this.revision >= current) return;
    this.refreshing = this.reload(current).finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private async reload(atLeast: number): Promise<void> {
    // The revision is read before the rows: a change committed in between is seen now and again next time.
    const revision = Math.max(atLeast, await knowledgeRevision(this.store.db));
    const published = await publishedVersions(this.store.db);
    for (const id of [...this.versions.keys()]) {
      if (!published.has(id)) {
        this.search.remove(id);
        this.versions.delete(id);
      }
    }
    const stale = [...published].filter(([id, v]) => this.versions.get(id) !== v).map(([id]) => id);
    for (let i = 0; i < stale.length; i += 500) {
      for (const a of await listArticles(this.store.db, { ids: stale.slice(i, i + 500) })) {
        if (a.status !== "published") continue;
        this.search.upsert(a);
        this.versions.set(a.id, a.version);
      }
    }
    this.search.setSynonyms((await listSynonyms(this.store.db)).map((s) => s.terms));
    this.revision = revision;
  }

  async query(question: string, limit = 5): Promise<SearchHit[]> {
    await this.refresh();
    return this.search.search(question, limit);
  }
}

const indexes = new WeakMap<Store, KnowledgeIndex>();

/** The index of this store, made on first use. */
export function knowledgeIndex(ctx: AppContext): KnowledgeIndex {
  let index = indexes.get(ctx.store);
  if (!index) {
    index = new KnowledgeIndex(ctx.store);
    indexes.set(ctx.store, index);
  }
  return index;
}

export interface SearchResult {
  readonly id: string;
  readonly score: number;
  readonly titleZh: string;
  readonly titleEn: string;
}

/** Staff search the published articles, best first. */
export async function searchKnowledge(
  ctx: AppContext,
  actor: Actor,
  q: string,
  limit = 10,
): Promise<{ results: SearchResult[] }> {
  requireRole(actor, KNOWLEDGE_READERS);
  const hits = await knowledgeIndex(ctx).query(q, Math.min(Math.max(limit, 1), 50));
  return { results: hits.map(({ id, score, titleZh, titleEn }) => ({ id, score, titleZh, titleEn })) };
}
