// What a watch recorder saw, in a form the watch checker reads without knowing the world:
// each watch's request and every response the client handed to the application, with
// virtual times (etcd's robustness tests keep the same per client in watch.json).

/** A KeyValue as a watch event carries it. */
export interface RecordedKeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

export interface RecordedEvent {
  type: 'PUT' | 'DELETE';
  /** For a DELETE only key and modRevision are meaningful (etcd's tombstone). */
  kv: RecordedKeyValue;
  prevKv?: RecordedKeyValue;
}

export interface RecordedWatchResponse {
  /** Virtual time (ms) at which the client delivered it. */
  t: number;
  /** Header revision. */
  revision: number;
  events: RecordedEvent[];
  created: boolean;
  progressNotify: boolean;
  canceled: boolean;
  /** Non-zero when the watch was canceled because its start revision was compacted. */
  compactRevision: number;
  /** The client's Err(), when the response ends the watch. */
  error?: string;
}

export interface RecordedWatch {
  /** Unique within a run. */
  id: number;
  client: string;
  /** The watched range: [key, rangeEnd), rangeEnd "\u0000" for every key >= key, absent for the key alone. */
  key: string;
  rangeEnd?: string;
  /** 0: from the next revision. */
  startRevision: number;
  prevKv: boolean;
  opened: number;
  responses: RecordedWatchResponse[];
  /** When the watch channel closed (absent: still open at the end of the run). */
  closed?: number;
  /**
   * The watch this one resumes (the application reopened it after that one closed): the
   * two form one logical stream, which must stay Ordered and Unique across the seam.
   */
  resumes?: number;
}

/**
 * The store's history: every event since revision 1, in revision order (within a
 * revision, in the order the transaction wrote them). The checker replays it to know
 * each key's state before every event.
 */
export type StoreHistory = readonly RecordedEvent[];
