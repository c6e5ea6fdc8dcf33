// The emoji the pickers offer, with names for labels and filtering.
export const EMOJI: [string, string][] = [
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['😀', 'grinning'], ['😂', 'tears of joy'], ['🙂', 'smile'],
  ['😉', 'wink'], ['😍', 'heart eyes'], ['🤔', 'thinking'], ['😮', 'surprised'], ['😢', 'crying'],
  ['😡', 'angry'], ['🙏', 'thanks'], ['👏', 'clap'], ['🙌', 'raised hands'], ['💪', 'strong'],
  ['👀', 'eyes'], ['🎉', 'party'], ['🔥', 'fire'], ['✅', 'check'], ['❌', 'cross'],
  ['❤️', 'heart'], ['💯', 'hundred'], ['🚀', 'rocket'], ['⭐', 'star'], ['💡', 'idea'],
  ['☕', 'coffee'], ['🍕', 'pizza'], ['🎂', 'cake'], ['👋', 'wave'], ['🤝', 'handshake'],
  ['😎', 'cool'], ['🤣', 'rolling'], ['😅', 'sweat smile'], ['🥳', 'celebrate'], ['😴', 'sleeping'],
  ['🤯', 'mind blown'], ['🐛', 'bug'], ['📌', 'pin'], ['⚠️', 'warning'], ['➕', 'plus one'],
];
