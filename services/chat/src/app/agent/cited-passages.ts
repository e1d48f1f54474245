/**
 * The passage numbers an answer cites, as "[n]" markers, in order of first mention. The
 * first one cited is what the answer leans on most, so it leads the citation list.
 */
export function citedPassageNumbers(answer: string, passageCount: number): number[] {
  const cited: number[] = [];
  for (const match of answer.matchAll(/\[(\d{1,3})\]/g)) {
    const number = Number(match[1]);
    if (number >= 1 && number <= passageCount && !cited.includes(number)) cited.push(number);
  }
  return cited;
}
