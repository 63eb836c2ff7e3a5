// The static site's search: the index (search-index.js) ranked as koko serve's /search ranks
// it (search.SearchIndex.search): exact name 0, exact key 1, prefix 2, contains 3; the shortest
// matching name first within a rank, then kind and IRI.
window.kokoSearch=function(query,limit){var data=window.KOKO_SEARCH,q=kokoFold(query),best={};if(!q)return[];
 data.terms.forEach(function(t){var term=t[0],rank;
  if(term===q)rank=t[2]?1:0;else if(term.indexOf(q)===0||(' '+term).indexOf(' '+q)>=0)rank=2;
  else if(term.indexOf(q)>=0)rank=3;else return;
  var len=Array.from(term).length,b=best[t[1]];if(!b||rank<b[0]||(rank===b[0]&&len<b[1]))best[t[1]]=[rank,len]});
 function cmp(a,b){return a<b?-1:a>b?1:0}
 return Object.keys(best).map(Number).sort(function(i,j){var x=best[i],y=best[j],s=data.things[i],u=data.things[j];
  return x[0]-y[0]||x[1]-y[1]||cmp(s[2],u[2])||cmp(s[0],u[0])}).slice(0,limit).map(function(i){return data.things[i]})};
(function(){var list=document.getElementById('hits'),box=document.getElementById('q-main'),data=window.KOKO_SEARCH;
 if(!list||!data)return;
 function texts(parent,names){data.langs.forEach(function(lang,i){var e=document.createElement('span');
  e.className='t';e.lang=lang;e.textContent=names[i];parent.appendChild(e)})}
 var query='';try{query=new URLSearchParams(location.search).get('q')||''}catch(e){}
 box.value=query.slice(0,data.max_query);if(!kokoFold(query))return;
 var found=kokoSearch(query.slice(0,data.max_query),data.max_hits+1);
 found.slice(0,data.max_hits).forEach(function(thing){var li=document.createElement('li'),a=document.createElement('a'),
  small=document.createElement('small');a.href=thing[1];texts(a,thing[3]);texts(small,data.kinds[thing[2]]||[thing[2],thing[2],thing[2]]);
  li.appendChild(a);li.appendChild(document.createTextNode(' '));li.appendChild(small);list.appendChild(li)});
 document.getElementById(found.length?'search-found':'search-none').hidden=false;
 document.getElementById('search-more').hidden=found.length<=data.max_hits})();
