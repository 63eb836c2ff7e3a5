// A text as the search and the lists compare it, as search.fold does in Python: NFKD without
// nonspacing marks and format characters, case folded, one space for each run of separators.
window.kokoFold=function(s){return s.normalize('NFKD').replace(/[\p{Mn}\p{Cf}]/gu,'').toLowerCase().replace(/\u00df/g,'ss')
 .replace(/\u03c2/g,'\u03c3').replace(/[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\-_\u2010-\u2015\/.,;:()]+/g,' ').trim()};
