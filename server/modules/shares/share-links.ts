// The networks a share action suggests posts for, and the address that opens each one with the post filled in.
// Pure functions: the public page links to our redirect (/go/<network>), which counts the tap and answers with these.

export const SHARE_NETWORKS = ['x', 'facebook', 'whatsapp', 'bluesky', 'mastodon', 'sms', 'email'] as const;
export type ShareNetwork = (typeof SHARE_NETWORKS)[number];

export const isShareNetwork = (value: string): value is ShareNetwork => (SHARE_NETWORKS as readonly string[]).includes(value);

export type SharePost = { text: string; hashtags: readonly string[]; subject?: string };

const e = encodeURIComponent;

/** The post as it is sent: text, hashtags, then the link. */
export function postBody(post: SharePost, link: string): string {
  const tags = post.hashtags.map((tag) => `#${tag}`).join(' ');
  return [post.text.trim(), tags, link].filter((part) => part !== '').join(' ');
}

/** The address that opens the network's composer (or the phone's texting / mail app) with the post. */
export function intentUrl(
  network: ShareNetwork,
  post: SharePost,
  link: string,
  options: { mastodonInstance: string; title: string },
): string {
  switch (network) {
    case 'x': {
      const params = [`text=${e(post.text.trim())}`, `url=${e(link)}`];
      if (post.hashtags.length > 0) params.push(`hashtags=${e(post.hashtags.join(','))}`);
      return `https://twitter.com/intent/tweet?${params.join('&')}`;
    }
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?u=${e(link)}`;
    case 'whatsapp':
      return `https://wa.me/?text=${e(postBody(post, link))}`;
    case 'bluesky':
      return `https://bsky.app/intent/compose?text=${e(postBody(post, link))}`;
    case 'mastodon':
      return `https://${options.mastodonInstance || 'mastodon.social'}/share?text=${e(postBody(post, link))}`;
    case 'sms':
      return `sms:?&body=${e(postBody(post, link))}`;
    case 'email':
      return `mailto:?subject=${e(post.subject?.trim() || options.title)}&body=${e(`${[post.text.trim(), post.hashtags.map((t) => `#${t}`).join(' ')].filter(Boolean).join('\n\n')}\n\n${link}`)}`;
  }
}
