/*
 * mm/list.h - circular doubly linked lists with a sentinel head, as in
 * Linux: an empty list is a head pointing at itself, so insertion and
 * removal never test for NULL and removal of any entry is O(1) (the buddy
 * allocator removes a block's buddy from the middle of its free list).
 */
#ifndef MM_LIST_H
#define MM_LIST_H

#include "mm/port.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* After the head: stacks (LIFO). */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

/* Before the head: queues (FIFO). */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

/* Poison values: following a removed entry faults instead of walking on
 * (page 0 is never mapped in the kernel, and these are in it). */
#define LIST_POISON1	((struct list_head *)0x100)
#define LIST_POISON2	((struct list_head *)0x122)

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}

static inline void list_move(struct list_head *e, struct list_head *head)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	list_add(e, head);
}

static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	list_add_tail(e, head);
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

/*
 * The entry iterators never form an entry pointer from the list head
 * itself (the usual container_of(head) trick is undefined behaviour that
 * UBSan reports): they walk list_head pointers and convert only real
 * entries.  The cursor variable is unique per line, so loops may nest.
 */
#define __LIST_CAT2(a, b)	a##b
#define __LIST_CAT(a, b)	__LIST_CAT2(a, b)
#define __LIST_IT		__LIST_CAT(__list_it_, __LINE__)
#define __LIST_NX		__LIST_CAT(__list_nx_, __LINE__)

#define list_for_each_entry(pos, head, member)				\
	for (struct list_head *__LIST_IT = (head)->next;		\
	     __LIST_IT != (head) &&					\
	     ((pos = list_entry(__LIST_IT, __typeof__(*pos), member)), 1); \
	     __LIST_IT = __LIST_IT->next)

/* Safe against removal of pos (the next link is read first).  Unlike
 * Linux's, it needs no second cursor argument. */
#define list_for_each_entry_safe(pos, head, member)			\
	for (struct list_head *__LIST_IT = (head)->next,		\
	     *__LIST_NX = __LIST_IT->next;				\
	     __LIST_IT != (head) &&					\
	     ((pos = list_entry(__LIST_IT, __typeof__(*pos), member)), 1); \
	     __LIST_IT = __LIST_NX, __LIST_NX = __LIST_IT->next)

#endif
