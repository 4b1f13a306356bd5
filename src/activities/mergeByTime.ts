/**
 * K-way merge of row streams that are each sorted by `time`: the flush reads
 * every staged chunk of a partition at once but holds only one row per chunk,
 * so a 256 MB file never needs its rows in memory to come out sorted.
 */
interface Timed {
  time: number;
}

interface Head<T> {
  row: T;
  source: AsyncIterator<T>;
  /** Ties keep chunk order, so output is deterministic. */
  order: number;
}

export async function* mergeByTime<T extends Timed>(sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  const heap: Head<T>[] = [];
  const before = (a: Head<T>, b: Head<T>) => a.row.time < b.row.time || (a.row.time === b.row.time && a.order < b.order);
  const push = (head: Head<T>) => {
    heap.push(head);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  };
  const pop = (): Head<T> => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
        index = smallest;
      }
    }
    return top;
  };

  for (const [order, iterable] of sources.entries()) {
    const source = iterable[Symbol.asyncIterator]();
    const first = await source.next();
    if (!first.done) push({ row: first.value, source, order });
  }
  while (heap.length > 0) {
    const head = pop();
    yield head.row;
    const next = await head.source.next();
    if (!next.done) push({ row: next.value, source: head.source, order: head.order });
  }
}
